package io.llmpipeline.sim.internal;

/**
 * Timestamps of events within the last minute; thread-safe. A ring of primitive longs, so that
 * counting thousands of calls per second neither boxes nor allocates per call.
 */
public final class SlidingWindow {
    public static final long WINDOW_MS = 60_000;

    private long[] times = new long[64];
    private int head;
    private int size;

    /**
     * Records an event at {@code nowMs} if fewer than {@code limit} happened in the window.
     *
     * @return 0 if recorded, else the milliseconds until the oldest event leaves the window
     */
    public synchronized long tryAcquire(long nowMs, int limit) {
        evict(nowMs);
        if (size < limit) {
            add(nowMs);
            return 0;
        }
        return Math.max(1, times[head] + WINDOW_MS - nowMs);
    }

    /** Records an event and returns how many are in the window, this one included. */
    public synchronized int record(long nowMs) {
        evict(nowMs);
        add(nowMs);
        return size;
    }

    private void add(long nowMs) {
        if (size == times.length) {
            long[] grown = new long[times.length * 2];
            int tail = times.length - head;
            System.arraycopy(times, head, grown, 0, tail);
            System.arraycopy(times, 0, grown, tail, head);
            times = grown;
            head = 0;
        }
        times[(head + size) % times.length] = nowMs;
        size++;
    }

    private void evict(long nowMs) {
        long oldestKept = nowMs - WINDOW_MS;
        while (size > 0 && times[head] <= oldestKept) {
            head = (head + 1) % times.length;
            size--;
        }
        if (size == 0 && times.length > 4096) {
            times = new long[64];
            head = 0;
        }
    }
}
