package io.llmpipeline.catalog;

/**
 * Router-stream settings.
 *
 * @param applicationId      Kafka Streams application id (also the consumer group and state prefix)
 * @param processingGuarantee exactly_once_v2 or at_least_once
 * @param threads            stream threads per instance
 * @param commitIntervalMs   commit interval; with exactly-once also the transaction length
 * @param idempotencyRetentionSeconds how long the answer to a request with an idempotency key is kept to
 *                           answer later duplicates (same tenant and key); default 24 h
 * @param idempotencyInFlightTimeoutSeconds a request with an idempotency key that has not been answered after
 *                           this long is taken as lost: the oldest duplicate waiting for it goes on instead
 */
public record RouterConfig(String applicationId, String processingGuarantee, Integer threads, Integer commitIntervalMs,
                           Integer idempotencyRetentionSeconds, Integer idempotencyInFlightTimeoutSeconds) {
    public RouterConfig {
        applicationId = applicationId == null ? "llm-router" : applicationId;
        processingGuarantee = processingGuarantee == null ? "exactly_once_v2" : processingGuarantee;
        threads = threads == null ? 1 : threads;
        commitIntervalMs = commitIntervalMs == null ? 100 : commitIntervalMs;
        idempotencyRetentionSeconds = idempotencyRetentionSeconds == null ? 86_400 : idempotencyRetentionSeconds;
        idempotencyInFlightTimeoutSeconds = idempotencyInFlightTimeoutSeconds == null ? 600 : idempotencyInFlightTimeoutSeconds;
    }

    public static RouterConfig defaults() {
        return new RouterConfig(null, null, null, null, null, null);
    }

    public RouterConfig withApplicationId(String id) {
        return new RouterConfig(id, processingGuarantee, threads, commitIntervalMs, idempotencyRetentionSeconds,
                idempotencyInFlightTimeoutSeconds);
    }
}
