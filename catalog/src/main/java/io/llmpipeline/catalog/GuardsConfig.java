package io.llmpipeline.catalog;

import java.util.List;

/**
 * Resilience guards of a provider or a model, as written in {@code pipeline.yaml}. A model's
 * guards override its provider's key by key; a key left out everywhere takes its default (see
 * {@link #resolvedOver}). Rate limits and the bulkhead set on a provider apply to all its models
 * together; set on a model they apply to that model alone. Breakers, retries and cooldowns are
 * always kept per model, so one model's outage never trips another's breaker.
 *
 * <p>Every key is declared once in {@link #KEYS} with its type, default, check and documentation;
 * a null component means "not set here". Build one in code with {@link #builder()}.
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
    /** The same as {@link #DEFAULT_WAIT_IN_OPEN_MS}: long enough that a failing model is not hammered, short enough that a blip costs half a minute at most. */
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

    /** Every key of a guards section, in the order of the record. */
    public static final List<ConfigKey<GuardsConfig, Builder, ?>> KEYS = List.of(
            ConfigKey.positiveInt("requestsPerMinute", null, "calls per sliding minute; no limit when absent",
                    GuardsConfig::requestsPerMinute, Builder::requestsPerMinute),
            ConfigKey.positiveInt("tokensPerMinute", null,
                    "tokens per sliding minute, each call weighing its estimated input plus its max output tokens; no limit when absent",
                    GuardsConfig::tokensPerMinute, Builder::tokensPerMinute),
            ConfigKey.positiveInt("maxConcurrentCalls", null, "bulkhead: calls in flight at once; no limit when absent",
                    GuardsConfig::maxConcurrentCalls, Builder::maxConcurrentCalls),
            ConfigKey.positiveInt("maxAttempts", DEFAULT_MAX_ATTEMPTS,
                    "attempts per model and request for transient failures, the first call included",
                    GuardsConfig::maxAttempts, Builder::maxAttempts),
            ConfigKey.nonNegativeLong("cooldownMs", DEFAULT_COOLDOWN_MS,
                    "how long a failing model (breaker opened, non-retryable provider fault) is skipped",
                    GuardsConfig::cooldownMs, Builder::cooldownMs),
            ConfigKey.percent("failureRateThreshold", DEFAULT_FAILURE_RATE_THRESHOLD,
                    "the breaker opens at this failure percentage of its window",
                    GuardsConfig::failureRateThreshold, Builder::failureRateThreshold),
            ConfigKey.percent("slowCallRateThreshold", DEFAULT_SLOW_CALL_RATE_THRESHOLD,
                    "the breaker opens at this percentage of slow calls (100: only when every call is slow)",
                    GuardsConfig::slowCallRateThreshold, Builder::slowCallRateThreshold),
            ConfigKey.positiveLong("slowCallDurationMs", DEFAULT_SLOW_CALL_DURATION_MS,
                    "a successful call slower than this counts as slow",
                    GuardsConfig::slowCallDurationMs, Builder::slowCallDurationMs),
            ConfigKey.positiveInt("minimumCalls", DEFAULT_MINIMUM_CALLS,
                    "calls in the window before the rates are judged; also the trial calls of an unproven model",
                    GuardsConfig::minimumCalls, Builder::minimumCalls),
            ConfigKey.positiveInt("slidingWindow", DEFAULT_SLIDING_WINDOW, "the breaker's window, in calls",
                    GuardsConfig::slidingWindow, Builder::slidingWindow),
            ConfigKey.positiveInt("permittedCallsInHalfOpen", DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN,
                    "trial calls let through after waiting in open",
                    GuardsConfig::permittedCallsInHalfOpen, Builder::permittedCallsInHalfOpen),
            ConfigKey.positiveLong("waitInOpenMs", DEFAULT_WAIT_IN_OPEN_MS, "time an open breaker waits before half-open",
                    GuardsConfig::waitInOpenMs, Builder::waitInOpenMs),
            ConfigKey.nonNegativeLong("retryInitialBackoffMs", DEFAULT_RETRY_INITIAL_BACKOFF_MS, "first retry backoff",
                    GuardsConfig::retryInitialBackoffMs, Builder::retryInitialBackoffMs),
            new ConfigKey<>("retryMultiplier", Double.class, DEFAULT_RETRY_MULTIPLIER, v -> v >= 1.0, "1.0 or more",
                    "backoff growth per retry", GuardsConfig::retryMultiplier, Builder::retryMultiplier),
            ConfigKey.nonNegativeLong("retryMaxBackoffMs", DEFAULT_RETRY_MAX_BACKOFF_MS, "backoff ceiling",
                    GuardsConfig::retryMaxBackoffMs, Builder::retryMaxBackoffMs),
            new ConfigKey<>("retryJitter", Double.class, DEFAULT_RETRY_JITTER, v -> v >= 0 && v <= 1, "0 to 1",
                    "random share of each backoff, so callers that failed together do not return together",
                    GuardsConfig::retryJitter, Builder::retryJitter));

    /** Nothing set: every key takes its default once resolved. */
    public static GuardsConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this section's values, to change some of them. */
    public Builder toBuilder() {
        Builder b = new Builder();
        for (ConfigKey<GuardsConfig, Builder, ?> key : KEYS) {
            copy(key, b);
        }
        return b;
    }

    private <T> void copy(ConfigKey<GuardsConfig, Builder, T> key, Builder b) {
        key.write().accept(b, key.read().apply(this));
    }

    /** Every key set: this one's where present, else {@code base}'s, else the default. */
    public GuardsConfig resolvedOver(GuardsConfig base) {
        return ConfigKey.resolveAll(KEYS, this, base, new Builder()).build();
    }

    /** What is wrong with this section, each problem named by its path under {@code path}. */
    public List<ConfigProblem> problems(String path) {
        List<ConfigProblem> problems = ConfigKey.problems(KEYS, path, this);
        if (minimumCalls != null && slidingWindow != null && minimumCalls > slidingWindow) {
            problems.add(new ConfigProblem(path + ".minimumCalls", "must not exceed slidingWindow (" + slidingWindow + ")"));
        }
        if (retryInitialBackoffMs != null && retryMaxBackoffMs != null && retryMaxBackoffMs < retryInitialBackoffMs) {
            problems.add(new ConfigProblem(path + ".retryMaxBackoffMs",
                    "must be at least retryInitialBackoffMs (" + retryInitialBackoffMs + ")"));
        }
        return problems;
    }

    /** Builds a section in code; keys left unset stay absent (resolved later to their defaults). */
    public static final class Builder {
        private Integer requestsPerMinute;
        private Integer tokensPerMinute;
        private Integer maxConcurrentCalls;
        private Integer maxAttempts;
        private Long cooldownMs;
        private Integer failureRateThreshold;
        private Integer slowCallRateThreshold;
        private Long slowCallDurationMs;
        private Integer minimumCalls;
        private Integer slidingWindow;
        private Integer permittedCallsInHalfOpen;
        private Long waitInOpenMs;
        private Long retryInitialBackoffMs;
        private Double retryMultiplier;
        private Long retryMaxBackoffMs;
        private Double retryJitter;

        private Builder() {
        }

        public Builder requestsPerMinute(Integer v) {
            requestsPerMinute = v;
            return this;
        }

        public Builder tokensPerMinute(Integer v) {
            tokensPerMinute = v;
            return this;
        }

        public Builder maxConcurrentCalls(Integer v) {
            maxConcurrentCalls = v;
            return this;
        }

        public Builder maxAttempts(Integer v) {
            maxAttempts = v;
            return this;
        }

        public Builder cooldownMs(Long v) {
            cooldownMs = v;
            return this;
        }

        public Builder failureRateThreshold(Integer v) {
            failureRateThreshold = v;
            return this;
        }

        public Builder slowCallRateThreshold(Integer v) {
            slowCallRateThreshold = v;
            return this;
        }

        public Builder slowCallDurationMs(Long v) {
            slowCallDurationMs = v;
            return this;
        }

        public Builder minimumCalls(Integer v) {
            minimumCalls = v;
            return this;
        }

        public Builder slidingWindow(Integer v) {
            slidingWindow = v;
            return this;
        }

        public Builder permittedCallsInHalfOpen(Integer v) {
            permittedCallsInHalfOpen = v;
            return this;
        }

        public Builder waitInOpenMs(Long v) {
            waitInOpenMs = v;
            return this;
        }

        public Builder retryInitialBackoffMs(Long v) {
            retryInitialBackoffMs = v;
            return this;
        }

        public Builder retryMultiplier(Double v) {
            retryMultiplier = v;
            return this;
        }

        public Builder retryMaxBackoffMs(Long v) {
            retryMaxBackoffMs = v;
            return this;
        }

        public Builder retryJitter(Double v) {
            retryJitter = v;
            return this;
        }

        public GuardsConfig build() {
            return new GuardsConfig(requestsPerMinute, tokensPerMinute, maxConcurrentCalls, maxAttempts, cooldownMs,
                    failureRateThreshold, slowCallRateThreshold, slowCallDurationMs, minimumCalls, slidingWindow,
                    permittedCallsInHalfOpen, waitInOpenMs, retryInitialBackoffMs, retryMultiplier, retryMaxBackoffMs,
                    retryJitter);
        }
    }
}
