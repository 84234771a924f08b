package io.llmpipeline.catalog;

/**
 * Worker settings.
 *
 * @param groupId          consumer group of the workers
 * @param maxInFlight      provider calls in flight per worker process
 * @param transactional    commit results, invocation events and offsets in one Kafka transaction
 * @param commitIntervalMs how often completed work is committed
 */
public record WorkerConfig(String groupId, Integer maxInFlight, Boolean transactional, Integer commitIntervalMs) {
    public WorkerConfig {
        groupId = groupId == null ? "llm-worker" : groupId;
        maxInFlight = maxInFlight == null ? 1_024 : maxInFlight;
        transactional = transactional == null ? Boolean.TRUE : transactional;
        commitIntervalMs = commitIntervalMs == null ? 100 : commitIntervalMs;
    }

    public static WorkerConfig defaults() {
        return new WorkerConfig(null, null, null, null);
    }
}
