package io.llmpipeline.http;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Runs a task later; callbacks retry through it, so tests run the retries without waiting. */
@FunctionalInterface
public interface RetryScheduler {
    void after(Duration delay, Runnable task);

    static RetryScheduler of(ScheduledExecutorService executor) {
        return (delay, task) -> executor.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    }
}
