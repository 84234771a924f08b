package io.llmpipeline.worker.run;

import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs a request's delayed steps (backoff, rate-limit waits, recovery waits, deadlines) and hands
 * freed permits to waiting requests, so no waiting request holds a thread. Injected, so a test
 * moves time by hand and a run that waits a minute is tested in microseconds.
 */
public interface Scheduler extends Executor {

    /** Runs {@code task} after {@code delayMs} (0 or less: as soon as possible). */
    Cancellable schedule(Runnable task, long delayMs);

    /** A scheduled task that may still be called off. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }

    /** The production scheduler: a few timer threads of a {@link ScheduledExecutorService}. */
    static Scheduler of(ScheduledExecutorService executor) {
        return new Scheduler() {
            @Override
            public Cancellable schedule(Runnable task, long delayMs) {
                var future = executor.schedule(task, Math.max(0, delayMs), TimeUnit.MILLISECONDS);
                return () -> future.cancel(false);
            }

            @Override
            public void execute(Runnable task) {
                executor.execute(task);
            }
        };
    }
}
