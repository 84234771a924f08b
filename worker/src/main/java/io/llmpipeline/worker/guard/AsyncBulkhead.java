package io.llmpipeline.worker.guard;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * At most {@code maxConcurrent} calls at once; callers over the limit queue up in order and are
 * called back when a permit frees, so a waiting request holds no thread.
 */
public final class AsyncBulkhead {
    private final int maxConcurrent;
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    private final Executor handoff;
    private int active;

    /** @param handoff runs a waiter when a permit frees, so a release never runs another call on its own stack */
    public AsyncBulkhead(int maxConcurrent, Executor handoff) {
        this.handoff = handoff;
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("maxConcurrent must be positive");
        }
        this.maxConcurrent = maxConcurrent;
    }

    /** Runs {@code onPermit} now if a permit is free, else when one is; it must {@link #release()} it. */
    public void acquire(Runnable onPermit) {
        synchronized (this) {
            if (active >= maxConcurrent) {
                waiting.add(onPermit);
                return;
            }
            active++;
        }
        onPermit.run();
    }

    public void release() {
        Runnable next;
        synchronized (this) {
            next = waiting.poll();
            if (next == null) {
                active--;
                return;
            }
        }
        handoff.execute(next);
    }

    public synchronized int active() {
        return active;
    }

    public synchronized int waiting() {
        return waiting.size();
    }

    public int maxConcurrent() {
        return maxConcurrent;
    }
}
