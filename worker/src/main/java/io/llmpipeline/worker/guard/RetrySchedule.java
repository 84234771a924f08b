package io.llmpipeline.worker.guard;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter: retry n waits {@code initial * multiplier^(n-1)}, capped, then
 * spread uniformly by {@code ±jitter} of itself so that callers who failed together do not
 * return together. A provider's Retry-After is a floor: we never come back earlier than asked.
 */
public final class RetrySchedule {
    private final long initialMs;
    private final double multiplier;
    private final long maxMs;
    private final double jitter;
    private final DoubleSupplier random;

    public RetrySchedule(long initialMs, double multiplier, long maxMs, double jitter, DoubleSupplier random) {
        if (initialMs < 0 || multiplier < 1 || maxMs < initialMs || jitter < 0 || jitter > 1) {
            throw new IllegalArgumentException("backoff needs 0 <= initial <= max, multiplier >= 1, jitter in [0, 1]");
        }
        this.initialMs = initialMs;
        this.multiplier = multiplier;
        this.maxMs = maxMs;
        this.jitter = jitter;
        this.random = random;
    }

    /**
     * @param retry      1 for the first retry
     * @param retryAfter the provider's Retry-After, or null
     */
    public Duration delay(int retry, Duration retryAfter) {
        double base = Math.min(maxMs, initialMs * Math.pow(multiplier, Math.max(0, retry - 1)));
        double spread = base * jitter * (2 * random.getAsDouble() - 1);
        long ms = Math.max(0, Math.round(base + spread));
        if (retryAfter != null && retryAfter.toMillis() > ms) {
            return retryAfter;
        }
        return Duration.ofMillis(ms);
    }
}
