package io.llmpipeline.quota;

/**
 * A rate limit as a bucket refilled continuously at {@code ratePerMinute}, holding at most
 * {@code burst} permits. Unlike a window of fixed periods it never lets twice the rate through
 * across a period boundary, and unlike a sliding window its rate can be changed at any moment
 * without the past minute's calls deciding the next ones: the sum of the members' rates bounds
 * what the provider sees in any window (plus one burst each). Not thread-safe; time is the caller's.
 */
public final class TokenBucket {
    private double ratePerMinute;
    private final double burst;
    private double tokens;
    private long lastRefillMs;

    /** Starts empty, so a new holder cannot spend a burst it was never granted. */
    public TokenBucket(double ratePerMinute, double burst, long nowMs) {
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be >= 1, got " + burst);
        }
        this.ratePerMinute = Math.max(0, ratePerMinute);
        this.burst = burst;
        this.lastRefillMs = nowMs;
    }

    /** Takes {@code permits} and returns 0, or returns how many milliseconds until they would be there. */
    public long tryTake(double permits, long nowMs) {
        refill(nowMs);
        double wanted = Math.min(permits, burst); // a call larger than the burst waits for a full bucket
        if (tokens >= wanted) {
            tokens -= permits;
            return 0;
        }
        if (ratePerMinute <= 0) {
            return Long.MAX_VALUE;
        }
        return Math.max(1, (long) Math.ceil((wanted - tokens) * 60_000 / ratePerMinute));
    }

    /** Milliseconds until {@code permits} could be taken, taking nothing. */
    public long waitFor(double permits, long nowMs) {
        refill(nowMs);
        double wanted = Math.min(permits, burst);
        if (tokens >= wanted) {
            return 0;
        }
        return ratePerMinute <= 0 ? Long.MAX_VALUE : Math.max(1, (long) Math.ceil((wanted - tokens) * 60_000 / ratePerMinute));
    }

    /**
     * Takes {@code permits} whether or not they are there: the bucket goes into debt, which later
     * callers wait behind ({@link #waitFor} counts it). A caller that asked {@link #waitFor} first
     * and waits that long before calling keeps the rate, and callers are served first come, first
     * served without any of them polling.
     */
    public void take(double permits, long nowMs) {
        refill(nowMs);
        tokens -= permits;
    }

    /**
     * Corrects an earlier take by the difference between what was used and what was taken: a
     * refund when the call used less (never above the burst), a debt when it used more.
     */
    public void correct(double taken, double used, long nowMs) {
        refill(nowMs);
        tokens = Math.min(burst, tokens + taken - used);
    }

    public void setRatePerMinute(double ratePerMinute, long nowMs) {
        refill(nowMs);
        this.ratePerMinute = Math.max(0, ratePerMinute);
    }

    public double ratePerMinute() {
        return ratePerMinute;
    }

    public double available(long nowMs) {
        refill(nowMs);
        return tokens;
    }

    private void refill(long nowMs) {
        if (nowMs > lastRefillMs) {
            tokens = Math.min(burst, tokens + (nowMs - lastRefillMs) * ratePerMinute / 60_000);
            lastRefillMs = nowMs;
        }
    }
}
