package io.llmpipeline.sim.internal;

import java.util.ArrayDeque;

/** Timestamps of events within the last minute; thread-safe. */
public final class SlidingWindow {
    public static final long WINDOW_MS = 60_000;

    private final ArrayDeque<Long> times = new ArrayDeque<>();

    /**
     * Records an event at {@code nowMs} if fewer than {@code limit} happened in the window.
     *
     * @return 0 if recorded, else the milliseconds until the oldest event leaves the window
     */
    public synchronized long tryAcquire(long nowMs, int limit) {
        evict(nowMs);
        if (times.size() < limit) {
            times.addLast(nowMs);
            return 0;
        }
        return Math.max(1, times.peekFirst() + WINDOW_MS - nowMs);
    }

    /** Records an event and returns how many are in the window, this one included. */
    public synchronized int record(long nowMs) {
        evict(nowMs);
        times.addLast(nowMs);
        return times.size();
    }

    private void evict(long nowMs) {
        while (!times.isEmpty() && times.peekFirst() <= nowMs - WINDOW_MS) {
            times.pollFirst();
        }
    }
}
