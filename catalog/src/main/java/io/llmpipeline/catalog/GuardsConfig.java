package io.llmpipeline.catalog;

/**
 * Resilience guards of a provider or model. The worker owns their meaning; see the worker's
 * documentation. Null fields take the worker's defaults.
 *
 * @param requestsPerMinute  rate limit on calls; null for none
 * @param tokensPerMinute    token-weighted rate limit (estimated input + max output); null for none
 * @param maxConcurrentCalls bulkhead; null for none
 * @param maxAttempts        attempts per model, first call included, for transient failures
 * @param cooldownMs         how long a failed model is skipped
 */
public record GuardsConfig(
        Integer requestsPerMinute,
        Integer tokensPerMinute,
        Integer maxConcurrentCalls,
        Integer maxAttempts,
        Long cooldownMs) {

    public static GuardsConfig defaults() {
        return new GuardsConfig(null, null, null, null, null);
    }
}
