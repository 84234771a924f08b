package io.llmpipeline.catalog;

/**
 * Router-stream settings.
 *
 * @param applicationId      Kafka Streams application id (also the consumer group and state prefix)
 * @param processingGuarantee exactly_once_v2 or at_least_once
 * @param threads            stream threads per instance
 * @param commitIntervalMs   commit interval; with exactly-once also the transaction length
 */
public record RouterConfig(String applicationId, String processingGuarantee, Integer threads, Integer commitIntervalMs) {
    public RouterConfig {
        applicationId = applicationId == null ? "llm-router" : applicationId;
        processingGuarantee = processingGuarantee == null ? "exactly_once_v2" : processingGuarantee;
        threads = threads == null ? 1 : threads;
        commitIntervalMs = commitIntervalMs == null ? 100 : commitIntervalMs;
    }

    public static RouterConfig defaults() {
        return new RouterConfig(null, null, null, null);
    }
}
