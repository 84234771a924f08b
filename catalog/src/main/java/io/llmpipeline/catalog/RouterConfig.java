package io.llmpipeline.catalog;

/**
 * Router-stream settings.
 *
 * @param applicationId      Kafka Streams application id (also the consumer group and state prefix)
 * @param processingGuarantee exactly_once_v2 or at_least_once
 * @param threads            stream threads per instance; default 2. The router's tasks (one per partition and sub-topology)
 *                           are shared among them, so while one thread commits (it cannot process then) the other goes on;
 *                           on 2 cores two threads did as well or better than one in every pair measured: c=1,000 3,312 /
 *                           3,578 against 2,830 / 3,535 req/s, c=64 p50 75.9 against 76.3 ms, 2 s provider latency with
 *                           6,000 in flight +2.7 % and +3.5 % in two series (docs/BENCHMARKS.md, "Issue 10, sixth session")
 * @param commitIntervalMs   commit interval; with exactly-once also the transaction length, and so the time a record
 *                           waits before the next stage (or the worker) may read it; default 20. The stream thread
 *                           cannot process while it commits, so at 10 it spent most of its time committing and capped
 *                           throughput at concurrency 1,000 (3,000-3,150 against 3,620-3,880 req/s at 20, same session);
 *                           Kafka Streams' own default, 100, was a quarter of the router's latency with a fast provider
 *                           (docs/router.md, "Latency settings")
 * @param idempotencyRetentionSeconds how long the answer to a request with an idempotency key is kept to
 *                           answer later duplicates (same tenant and key); default 24 h
 * @param idempotencyInFlightTimeoutSeconds a request with an idempotency key that has not been answered after
 *                           this long is taken as lost: the oldest duplicate waiting for it goes on instead
 * @param sessionTimeoutMs   how long an instance that stopped answering (kill -9, a lost machine) keeps its tasks before
 *                           the others take them over; default 6,000, the broker's smallest allowed by default
 *                           ({@code group.min.session.timeout.ms}). Kafka Streams' own default, 45 s, is the time nothing is
 *                           routed for the partitions of a dead instance
 * @param standbyReplicas    warm copies of each task's state kept on other instances (Kafka Streams'
 *                           {@code num.standby.replicas}); default 1, so a task taken over need not first replay its
 *                           changelogs. Ignored while one instance runs
 * @param duplicateWindowSeconds a request whose id the router already took within this long (a producer retry without
 *                           idempotence, a client sending twice) is dropped: its answer is the first one's, under the
 *                           same request id; default 3,600
 */
public record RouterConfig(String applicationId, String processingGuarantee, Integer threads, Integer commitIntervalMs,
                           Integer idempotencyRetentionSeconds, Integer idempotencyInFlightTimeoutSeconds,
                           Integer sessionTimeoutMs, Integer standbyReplicas, Integer duplicateWindowSeconds) {
    public RouterConfig {
        applicationId = applicationId == null ? "llm-router" : applicationId;
        processingGuarantee = processingGuarantee == null ? "exactly_once_v2" : processingGuarantee;
        threads = threads == null ? 2 : threads;
        commitIntervalMs = commitIntervalMs == null ? 20 : commitIntervalMs;
        idempotencyRetentionSeconds = idempotencyRetentionSeconds == null ? 86_400 : idempotencyRetentionSeconds;
        idempotencyInFlightTimeoutSeconds = idempotencyInFlightTimeoutSeconds == null ? 600 : idempotencyInFlightTimeoutSeconds;
        sessionTimeoutMs = sessionTimeoutMs == null ? 6_000 : sessionTimeoutMs;
        standbyReplicas = standbyReplicas == null ? 1 : standbyReplicas;
        duplicateWindowSeconds = duplicateWindowSeconds == null ? 3_600 : duplicateWindowSeconds;
    }

    public RouterConfig(String applicationId, String processingGuarantee, Integer threads, Integer commitIntervalMs,
                        Integer idempotencyRetentionSeconds, Integer idempotencyInFlightTimeoutSeconds) {
        this(applicationId, processingGuarantee, threads, commitIntervalMs, idempotencyRetentionSeconds,
                idempotencyInFlightTimeoutSeconds, null, null, null);
    }

    public static RouterConfig defaults() {
        return new RouterConfig(null, null, null, null, null, null);
    }

    public RouterConfig withApplicationId(String id) {
        return new RouterConfig(id, processingGuarantee, threads, commitIntervalMs, idempotencyRetentionSeconds,
                idempotencyInFlightTimeoutSeconds, sessionTimeoutMs, standbyReplicas, duplicateWindowSeconds);
    }
}
