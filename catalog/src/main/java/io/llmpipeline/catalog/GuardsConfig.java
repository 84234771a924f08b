package io.llmpipeline.catalog;

/**
 * Resilience guards of a provider or a model, as written in {@code pipeline.yaml}. A model's
 * guards override its provider's field by field; a field left out everywhere takes the default
 * named here (see {@link #resolvedOver}). Rate limits and the bulkhead set on a provider apply to
 * all its models together; set on a model they apply to that model alone. Breakers, retries and
 * cooldowns are always kept per model, so one model's outage never trips another's breaker.
 *
 * @param requestsPerMinute        calls per sliding minute; none when absent
 * @param tokensPerMinute          tokens per sliding minute, each call weighing its estimated input plus
 *                                 its max output tokens; none when absent
 * @param maxConcurrentCalls       bulkhead: calls in flight at once; none when absent
 * @param maxAttempts              attempts per model and request, first call included, for transient
 *                                 failures (default 3)
 * @param cooldownMs               how long a model that failed (breaker opened, retries exhausted,
 *                                 non-retryable provider fault) is skipped (default 30000: the same as
 *                                 {@code waitInOpenMs}, long enough that a failing model is not
 *                                 hammered, short enough that a blip costs half a minute at most)
 * @param failureRateThreshold     breaker opens at this failure percentage of the window (default 50)
 * @param slowCallRateThreshold    breaker opens at this percentage of slow calls (default 100: only when
 *                                 every call is slow)
 * @param slowCallDurationMs       a successful call slower than this counts as slow (default 60000)
 * @param minimumCalls             calls in the window before the rates are evaluated (default 20)
 * @param slidingWindow            the breaker's window, in calls (default 100)
 * @param permittedCallsInHalfOpen trial calls let through after waiting in open (default 5)
 * @param waitInOpenMs             time an open breaker waits before half-open (default 30000)
 * @param retryInitialBackoffMs    first retry backoff (default 500)
 * @param retryMultiplier          backoff growth per retry (default 2.0)
 * @param retryMaxBackoffMs        backoff ceiling (default 30000)
 * @param retryJitter              random share of each backoff, 0 to 1 (default 0.5)
 */
public record GuardsConfig(
        Integer requestsPerMinute,
        Integer tokensPerMinute,
        Integer maxConcurrentCalls,
        Integer maxAttempts,
        Long cooldownMs,
        Integer failureRateThreshold,
        Integer slowCallRateThreshold,
        Long slowCallDurationMs,
        Integer minimumCalls,
        Integer slidingWindow,
        Integer permittedCallsInHalfOpen,
        Long waitInOpenMs,
        Long retryInitialBackoffMs,
        Double retryMultiplier,
        Long retryMaxBackoffMs,
        Double retryJitter) {

    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    public static final long DEFAULT_COOLDOWN_MS = 30_000;
    public static final int DEFAULT_FAILURE_RATE_THRESHOLD = 50;
    public static final int DEFAULT_SLOW_CALL_RATE_THRESHOLD = 100;
    public static final long DEFAULT_SLOW_CALL_DURATION_MS = 60_000;
    public static final int DEFAULT_MINIMUM_CALLS = 20;
    public static final int DEFAULT_SLIDING_WINDOW = 100;
    public static final int DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN = 5;
    public static final long DEFAULT_WAIT_IN_OPEN_MS = 30_000;
    public static final long DEFAULT_RETRY_INITIAL_BACKOFF_MS = 500;
    public static final double DEFAULT_RETRY_MULTIPLIER = 2.0;
    public static final long DEFAULT_RETRY_MAX_BACKOFF_MS = 30_000;
    public static final double DEFAULT_RETRY_JITTER = 0.5;

    /** The five-field form of earlier versions: limits, attempts and cooldown only. */
    public GuardsConfig(Integer requestsPerMinute, Integer tokensPerMinute, Integer maxConcurrentCalls,
                        Integer maxAttempts, Long cooldownMs) {
        this(requestsPerMinute, tokensPerMinute, maxConcurrentCalls, maxAttempts, cooldownMs,
                null, null, null, null, null, null, null, null, null, null, null);
    }

    public static GuardsConfig defaults() {
        return new GuardsConfig(null, null, null, null, null);
    }

    /** Every field set: this one's where present, else {@code base}'s, else the default. */
    public GuardsConfig resolvedOver(GuardsConfig base) {
        GuardsConfig b = base == null ? defaults() : base;
        return new GuardsConfig(
                pick(requestsPerMinute, b.requestsPerMinute, null),
                pick(tokensPerMinute, b.tokensPerMinute, null),
                pick(maxConcurrentCalls, b.maxConcurrentCalls, null),
                pick(maxAttempts, b.maxAttempts, DEFAULT_MAX_ATTEMPTS),
                pick(cooldownMs, b.cooldownMs, DEFAULT_COOLDOWN_MS),
                pick(failureRateThreshold, b.failureRateThreshold, DEFAULT_FAILURE_RATE_THRESHOLD),
                pick(slowCallRateThreshold, b.slowCallRateThreshold, DEFAULT_SLOW_CALL_RATE_THRESHOLD),
                pick(slowCallDurationMs, b.slowCallDurationMs, DEFAULT_SLOW_CALL_DURATION_MS),
                pick(minimumCalls, b.minimumCalls, DEFAULT_MINIMUM_CALLS),
                pick(slidingWindow, b.slidingWindow, DEFAULT_SLIDING_WINDOW),
                pick(permittedCallsInHalfOpen, b.permittedCallsInHalfOpen, DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN),
                pick(waitInOpenMs, b.waitInOpenMs, DEFAULT_WAIT_IN_OPEN_MS),
                pick(retryInitialBackoffMs, b.retryInitialBackoffMs, DEFAULT_RETRY_INITIAL_BACKOFF_MS),
                pick(retryMultiplier, b.retryMultiplier, DEFAULT_RETRY_MULTIPLIER),
                pick(retryMaxBackoffMs, b.retryMaxBackoffMs, DEFAULT_RETRY_MAX_BACKOFF_MS),
                pick(retryJitter, b.retryJitter, DEFAULT_RETRY_JITTER));
    }

    private static <T> T pick(T own, T base, T fallback) {
        return own != null ? own : base != null ? base : fallback;
    }
}
