package io.llmpipeline.worker.guard;

import java.time.Clock;

/**
 * A rate limit that holds in every sliding window, not just per fixed period: the weights of
 * calls granted within any {@code window} never exceed {@code limit}. A fixed-period limiter
 * (resilience4j's included) can let twice its limit through across a period boundary, which a
 * provider counting in a sliding minute answers with 429s. Calls reserve a start time and wait
 * for it without holding a thread; grants are first come, first served.
 */
public final class SlidingWindowLimiter {
    private final long limit;
    private final long windowMs;
    private final Clock clock;
    private long[] times = new long[64];
    private long[] weights = new long[64];
    private int head;
    private int mark;
    private int tail;
    private long windowSum;
    private long lastGrant = Long.MIN_VALUE;

    public SlidingWindowLimiter(long limit, long windowMs, Clock clock) {
        if (limit < 1 || windowMs < 1) {
            throw new IllegalArgumentException("limit and window must be positive");
        }
        this.limit = limit;
        this.windowMs = windowMs;
        this.clock = clock;
    }

    /**
     * Reserves {@code weight} (clamped to the limit) and returns the epoch millisecond at which
     * the call may start: now when there is room, later otherwise.
     */
    public synchronized long reserve(long weight) {
        return reserveAt(weight, Long.MIN_VALUE);
    }

    /** The start {@link #reserve} would grant now, without reserving anything. */
    public synchronized long earliest(long weight) {
        long w = clamp(weight);
        long at = Math.max(clock.millis(), lastGrant);
        int m = mark;
        long sum = windowSum;
        while (m < tail && times[m] <= at - windowMs) {
            sum -= weights[m];
            m++;
        }
        while (sum + w > limit) {
            at = Math.max(at, times[m] + windowMs);
            sum -= weights[m];
            m++;
        }
        return at;
    }

    /** Reserves {@code weight} at {@code notBefore} or the first moment after it with room; returns that moment. */
    public synchronized long reserveAt(long weight, long notBefore) {
        long w = clamp(weight);
        long now = clock.millis();
        long at = Math.max(Math.max(now, lastGrant), notBefore);
        while (mark < tail && times[mark] <= at - windowMs) {
            windowSum -= weights[mark];
            mark++;
        }
        // grants only move forward, so an entry that has left the window of this grant has left every later one's
        while (windowSum + w > limit) {
            at = Math.max(at, times[mark] + windowMs);
            windowSum -= weights[mark];
            mark++;
        }
        append(at, w);
        lastGrant = at;
        while (head < mark && times[head] <= now - windowMs) {
            head++;
        }
        return at;
    }

    private long clamp(long weight) {
        return Math.max(1, Math.min(weight, limit));
    }

    public long limit() {
        return limit;
    }

    private void append(long at, long w) {
        if (tail == times.length) {
            int live = tail - head;
            if (live * 2 > times.length) {
                long[] t = new long[times.length * 2];
                long[] ws = new long[times.length * 2];
                System.arraycopy(times, head, t, 0, live);
                System.arraycopy(weights, head, ws, 0, live);
                times = t;
                weights = ws;
            } else {
                System.arraycopy(times, head, times, 0, live);
                System.arraycopy(weights, head, weights, 0, live);
            }
            mark -= head;
            tail -= head;
            head = 0;
        }
        times[tail] = at;
        weights[tail] = w;
        tail++;
        windowSum += w;
    }
}
