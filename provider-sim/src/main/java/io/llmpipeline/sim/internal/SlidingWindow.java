package io.llmpipeline.sim.internal;

/**
 * Weighted events within the last minute (a call weighs 1, a call's tokens weigh their count);
 * thread-safe. A ring of primitive longs, so that counting thousands of calls per second neither
 * boxes nor allocates per call.
 */
public final class SlidingWindow {
    public static final long WINDOW_MS = 60_000;

    private long[] times = new long[64];
    private long[] weights = new long[64];
    private int head;
    private int size;
    private long sum;

    /**
     * Records an event at {@code nowMs} if fewer than {@code limit} happened in the window.
     *
     * @return 0 if recorded, else the milliseconds until the oldest event leaves the window
     */
    public synchronized long tryAcquire(long nowMs, int limit) {
        long wait = waitFor(nowMs, 1, limit);
        if (wait == 0) {
            add(nowMs, 1);
        }
        return wait;
    }

    /**
     * 0 if {@code weight} more fits under {@code limit} now, else the milliseconds until enough has
     * left the window (until the whole window has left, if {@code weight} alone exceeds the limit).
     */
    public synchronized long waitFor(long nowMs, long weight, long limit) {
        evict(nowMs);
        if (sum + weight <= limit) {
            return 0;
        }
        long freed = 0;
        for (int i = 0; i < size; i++) {
            int at = (head + i) % times.length;
            freed += weights[at];
            if (sum - freed + weight <= limit) {
                return Math.max(1, times[at] + WINDOW_MS - nowMs);
            }
        }
        return Math.max(1, untilEmptyMs(nowMs));
    }

    /** Records an event and returns how many are in the window, this one included. */
    public synchronized int record(long nowMs) {
        record(nowMs, 1);
        return size;
    }

    public synchronized void record(long nowMs, long weight) {
        evict(nowMs);
        add(nowMs, weight);
    }

    /** The weight in the window at {@code nowMs}. */
    public synchronized long sum(long nowMs) {
        evict(nowMs);
        return sum;
    }

    /** Milliseconds until every event now in the window has left it (0 when empty). */
    public synchronized long untilEmptyMs(long nowMs) {
        evict(nowMs);
        return size == 0 ? 0 : times[(head + size - 1) % times.length] + WINDOW_MS - nowMs;
    }

    private void add(long nowMs, long weight) {
        if (size == times.length) {
            times = grow(times);
            weights = grow(weights);
            head = 0;
        }
        int at = (head + size) % times.length;
        times[at] = nowMs;
        weights[at] = weight;
        size++;
        sum += weight;
    }

    private long[] grow(long[] ring) {
        long[] grown = new long[ring.length * 2];
        int tail = ring.length - head;
        System.arraycopy(ring, head, grown, 0, tail);
        System.arraycopy(ring, 0, grown, tail, head);
        return grown;
    }

    private void evict(long nowMs) {
        long oldestKept = nowMs - WINDOW_MS;
        while (size > 0 && times[head] <= oldestKept) {
            sum -= weights[head];
            head = (head + 1) % times.length;
            size--;
        }
        if (size == 0 && times.length > 4096) {
            times = new long[64];
            weights = new long[64];
            head = 0;
        }
    }
}
