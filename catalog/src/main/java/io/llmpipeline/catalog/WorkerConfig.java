package io.llmpipeline.catalog;

/**
 * Worker settings.
 *
 * @param groupId           consumer group of the workers (default llm-worker)
 * @param maxInFlight       requests being worked on per worker process, waiting ones included (default 1024)
 * @param transactional     commit results, invocation events and offsets in one Kafka transaction (default true)
 * @param commitIntervalMs  how often completed work is committed, and so how long a finished result may wait before a
 *                          reader sees it (default 75). Clients that send the next request when a result arrives fall
 *                          into step with the worker's commits, so a request's latency is a whole number of these
 *                          intervals: at concurrency 64 on a warm 2-core machine the rest of the pipeline (with the
 *                          router's 20 ms commit) takes 55-60 ms, so p50 was ~75 ms at 75, 61 or 118 ms at 60 (one
 *                          interval or two) and 110 ms at 100
 * @param defaultDeadlineMs a request without a deadline gets this long from submission (default 600000)
 * @param priorityAgingMs   a waiting request moves up one priority band per this much waiting, so low
 *                          bands never starve (default 10000)
 * @param healthIntervalMs  how often per-model statistics go to provider-health (default 5000)
 * @param shutdownGraceMs   on close, how long in-flight requests may still finish (default 10000)
 * @param kafka             the worker's Kafka client tuning (see {@link WorkerKafkaConfig})
 * @param readmitInterrupted a request whose earlier owner's call may have been billed (it died or lost the
 *                          partition mid-call) goes back to the router for a budget reservation of its own instead of
 *                          being called again on the used one (default true). Off only where no router runs (tests
 *                          of the worker alone)
 */
public record WorkerConfig(String groupId, Integer maxInFlight, Boolean transactional, Integer commitIntervalMs,
                           Long defaultDeadlineMs, Long priorityAgingMs, Long healthIntervalMs, Long shutdownGraceMs,
                           WorkerKafkaConfig kafka, Boolean readmitInterrupted) {
    public WorkerConfig {
        groupId = groupId == null ? "llm-worker" : groupId;
        maxInFlight = maxInFlight == null ? 1_024 : maxInFlight;
        transactional = transactional == null ? Boolean.TRUE : transactional;
        commitIntervalMs = commitIntervalMs == null ? 75 : commitIntervalMs;
        defaultDeadlineMs = defaultDeadlineMs == null ? 600_000L : defaultDeadlineMs;
        priorityAgingMs = priorityAgingMs == null ? 10_000L : priorityAgingMs;
        healthIntervalMs = healthIntervalMs == null ? 5_000L : healthIntervalMs;
        shutdownGraceMs = shutdownGraceMs == null ? 10_000L : shutdownGraceMs;
        kafka = (kafka == null ? WorkerKafkaConfig.builder().build() : kafka).resolved();
        readmitInterrupted = readmitInterrupted == null ? Boolean.TRUE : readmitInterrupted;
    }

    public WorkerConfig withGroupId(String group) {
        return new WorkerConfig(group, maxInFlight, transactional, commitIntervalMs, defaultDeadlineMs, priorityAgingMs,
                healthIntervalMs, shutdownGraceMs, kafka, readmitInterrupted);
    }

    public WorkerConfig withMaxInFlight(int max) {
        return new WorkerConfig(groupId, max, transactional, commitIntervalMs, defaultDeadlineMs, priorityAgingMs,
                healthIntervalMs, shutdownGraceMs, kafka, readmitInterrupted);
    }

    public WorkerConfig withKafka(WorkerKafkaConfig tuning) {
        return new WorkerConfig(groupId, maxInFlight, transactional, commitIntervalMs, defaultDeadlineMs, priorityAgingMs,
                healthIntervalMs, shutdownGraceMs, tuning, readmitInterrupted);
    }

    public static WorkerConfig defaults() {
        return new WorkerConfig(null, null, null, null, null, null, null, null, null, null);
    }

    public WorkerConfig withReadmitInterrupted(boolean readmit) {
        return new WorkerConfig(groupId, maxInFlight, transactional, commitIntervalMs, defaultDeadlineMs, priorityAgingMs,
                healthIntervalMs, shutdownGraceMs, kafka, readmit);
    }
}
