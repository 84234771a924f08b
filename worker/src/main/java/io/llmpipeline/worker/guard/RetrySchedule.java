package io.llmpipeline.worker.guard;

import java.time.Duration;
import java.util.function.DoubleSupplier;

import io.github.resilience4j.core.IntervalFunction;

/**
 * Exponential backoff with jitter: retry n waits {@code initial * multiplier^(n-1)}, capped
 * (resilience4j's {@link IntervalFunction}), then spread uniformly by {@code ±jitter} of itself so
 * that callers who failed together do not return together. The random source is injected so a
 * test can pin it, which resilience4j's randomized variant does not allow. A provider's
 * Retry-After is a floor: we never come back earlier than asked.
 */
public final class RetrySchedule {
    private final IntervalFunction base;
    private final double jitter;
    private final DoubleSupplier random;

    public RetrySchedule(long initialMs, double multiplier, long maxMs, double jitter, DoubleSupplier random) {
        if (initialMs < 0 || multiplier < 1 || maxMs < initialMs || jitter < 0 || jitter > 1) {
            throw new IllegalArgumentException("backoff needs 0 <= initial <= max, multiplier >= 1, jitter in [0, 1]");
        }
        // IntervalFunction refuses intervals under 1 ms
        this.base = IntervalFunction.ofExponentialBackoff(Math.max(1, initialMs), multiplier, Math.max(1, maxMs));
        this.jitter = jitter;
        this.random = random;
    }

    /**
     * @param retry      1 for the first retry
     * @param retryAfter the provider's Retry-After, or null
     */
    public Duration delay(int retry, Duration retryAfter) {
        double interval = base.apply(Math.max(1, retry));
        double spread = interval * jitter * (2 * random.getAsDouble() - 1);
        long ms = Math.max(0, Math.round(interval + spread));
        if (retryAfter != null && retryAfter.toMillis() > ms) {
            return retryAfter;
        }
        return Duration.ofMillis(ms);
    }
}
