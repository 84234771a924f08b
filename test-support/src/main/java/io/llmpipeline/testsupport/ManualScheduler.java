package io.llmpipeline.testsupport;

import java.time.Duration;
import java.util.PriorityQueue;
import java.util.concurrent.Executor;

/**
 * A scheduler whose time is a {@link MutableClock} moved by the test: nothing runs until the test
 * says so, tasks run on the test's thread in the order of their due time (then of submission), and
 * the clock jumps to each task's due time as it runs. Code under test that waits a minute is
 * tested in microseconds.
 */
public final class ManualScheduler implements Executor {
    private final MutableClock clock;
    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private long sequence;

    public ManualScheduler(MutableClock clock) {
        this.clock = clock;
    }

    public MutableClock clock() {
        return clock;
    }

    /** A task scheduled here; cancelling one that has not run keeps it from running. */
    public final class Task implements Comparable<Task> {
        private final long dueMs;
        private final long order;
        private final Runnable body;

        private Task(long dueMs, long order, Runnable body) {
            this.dueMs = dueMs;
            this.order = order;
            this.body = body;
        }

        public void cancel() {
            synchronized (ManualScheduler.this) {
                queue.remove(this);
            }
        }

        public long dueMs() {
            return dueMs;
        }

        @Override
        public int compareTo(Task other) {
            int byTime = Long.compare(dueMs, other.dueMs);
            return byTime != 0 ? byTime : Long.compare(order, other.order);
        }
    }

    /** Runs {@code task} once the clock has moved {@code delayMs} (at least 0) past now. */
    public synchronized Task schedule(Runnable task, long delayMs) {
        Task t = new Task(clock.millis() + Math.max(0, delayMs), sequence++, task);
        queue.add(t);
        return t;
    }

    /** Runs {@code task} at the current time, with the next {@link #runDue()} or {@link #advance}. */
    @Override
    public void execute(Runnable task) {
        schedule(task, 0);
    }

    /** Runs every task due now, including those they schedule for now. */
    public int runDue() {
        return runUntil(clock.millis());
    }

    /** Moves time forward by {@code by}, running each task due on the way at its own time. */
    public int advance(Duration by) {
        long until = clock.millis() + by.toMillis();
        int ran = runUntil(until);
        clock.set(java.time.Instant.ofEpochMilli(Math.max(clock.millis(), until)));
        return ran;
    }

    /** Runs the next task, whenever it is due, moving the clock to it; false when none is left. */
    public boolean runNext() {
        Task next;
        synchronized (this) {
            next = queue.poll();
        }
        if (next == null) {
            return false;
        }
        run(next);
        return true;
    }

    /** Runs tasks (moving the clock) until none is left or {@code limit} ran; returns how many ran. */
    public int runAll(int limit) {
        int ran = 0;
        while (ran < limit && runNext()) {
            ran++;
        }
        return ran;
    }

    public synchronized int pending() {
        return queue.size();
    }

    /** The due time of the next task; -1 when none is queued. */
    public synchronized long nextDueMs() {
        Task next = queue.peek();
        return next == null ? -1 : next.dueMs;
    }

    private int runUntil(long untilMs) {
        int ran = 0;
        while (true) {
            Task next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.dueMs > untilMs) {
                    return ran;
                }
                queue.poll();
            }
            run(next);
            ran++;
        }
    }

    private void run(Task task) {
        if (task.dueMs > clock.millis()) {
            clock.set(java.time.Instant.ofEpochMilli(task.dueMs));
        }
        task.body.run();
    }
}
