package io.llmpipeline.worker.guard;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.function.IntSupplier;

/**
 * At most {@code maxConcurrent} calls at once; callers over the limit queue up in order and are
 * called back when a permit frees, so a waiting request holds no thread. The limit may move (this
 * worker's part of a limit the worker group shares): a smaller one is obeyed as calls end, a larger
 * one once {@link #pump()} runs.
 */
public final class AsyncBulkhead {
    private final IntSupplier maxConcurrent;
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    private final Executor handoff;
    private int active;

    /** @param handoff runs a waiter when a permit frees, so a release never runs another call on its own stack */
    public AsyncBulkhead(int maxConcurrent, Executor handoff) {
        this(fixed(maxConcurrent), handoff);
    }

    /** @param maxConcurrent asked at every acquire and release; 0 makes every caller wait */
    public AsyncBulkhead(IntSupplier maxConcurrent, Executor handoff) {
        this.maxConcurrent = maxConcurrent;
        this.handoff = handoff;
    }

    private static IntSupplier fixed(int maxConcurrent) {
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("maxConcurrent must be positive");
        }
        return () -> maxConcurrent;
    }

    /** Runs {@code onPermit} now if a permit is free, else when one is; it must {@link #release()} it. */
    public void acquire(Runnable onPermit) {
        synchronized (this) {
            if (active >= maxConcurrent.getAsInt() || !waiting.isEmpty()) {
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
            active--;
            next = active < maxConcurrent.getAsInt() ? waiting.poll() : null;
            if (next == null) {
                return;
            }
            active++;
        }
        handoff.execute(next);
    }

    /** Starts waiters the limit has room for now, after it grew. */
    public void pump() {
        while (true) {
            Runnable next;
            synchronized (this) {
                if (active >= maxConcurrent.getAsInt()) {
                    return;
                }
                next = waiting.poll();
                if (next == null) {
                    return;
                }
                active++;
            }
            handoff.execute(next);
        }
    }

    public synchronized int active() {
        return active;
    }

    public synchronized int waiting() {
        return waiting.size();
    }

    public int maxConcurrent() {
        return maxConcurrent.getAsInt();
    }
}
