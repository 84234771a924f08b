package io.llmpipeline.worker.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.JsonNode;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.CatalogLoader;
import io.llmpipeline.schemas.ChatMessage;
import io.llmpipeline.schemas.Codecs;
import io.llmpipeline.schemas.GenerationParams;
import io.llmpipeline.schemas.LlmAssignment;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.ModelRef;
import io.llmpipeline.schemas.Priority;
import io.llmpipeline.schemas.ResultStatus;
import io.llmpipeline.schemas.Role;
import io.llmpipeline.worker.Worker;
import io.llmpipeline.worker.WorkerStats;

/**
 * Worker-level load harness: loads assignments straight onto the assigned topic (no router),
 * runs one in-process worker against a running provider-sim, and measures completions per
 * second, calls in flight, latency percentiles and heap.
 *
 * <pre>
 * java -Xmx512m -cp ... io.llmpipeline.worker.bench.WorkerBench --bootstrap localhost:9092 \
 *      --sim http://127.0.0.1:8089 --scenario latency|failover|storm [--requests N] [--in-flight N]
 * </pre>
 * Scenarios: {@code latency} (provider latency 2 s, 12 partitions), {@code failover} (primary
 * hard down, fallback healthy; breaker calls and added p99 against a healthy baseline run),
 * {@code storm} (429s with Retry-After on top of a provider RPM limit the catalog also knows).
 */
public final class WorkerBench {
    private final String bootstrap;
    private final SimAdmin sim;
    private final String simUrl;
    private int connections = 64;
    private boolean http2 = true;

    private WorkerBench(String bootstrap, String simUrl) {
        this.bootstrap = bootstrap;
        this.simUrl = simUrl;
        this.sim = new SimAdmin(simUrl);
    }

    /** What one run measured. */
    public record Figures(String scenario, int requests, long ok, long failed, long duplicates, double seconds,
                          double completedPerSecond, int inFlightMax, long providerCalls, long p50Ms, long p99Ms,
                          long heapUsedMaxMb, Map<String, Long> breakerOpenedAfterCalls, Map<String, Object> extra) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "scenario=%s requests=%d ok=%d failed=%d duplicates=%d seconds=%.1f "
                            + "completed_per_s=%.0f in_flight_max=%d provider_calls=%d p50_ms=%d p99_ms=%d heap_used_max_mb=%d "
                            + "breaker_opened_after_calls=%s %s",
                    scenario, requests, ok, failed, duplicates, seconds, completedPerSecond, inFlightMax, providerCalls,
                    p50Ms, p99Ms, heapUsedMaxMb, breakerOpenedAfterCalls, extra);
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        WorkerBench bench = new WorkerBench(a.getOrDefault("bootstrap", "localhost:9092"),
                a.getOrDefault("sim", "http://127.0.0.1:8089"));
        bench.connections = intArg(a, "connections", 64);
        bench.http2 = Boolean.parseBoolean(a.getOrDefault("http2", "true"));
        String scenario = a.getOrDefault("scenario", "latency");
        List<Figures> figures = bench.run(scenario, a);
        figures.forEach(f -> System.out.println("RESULT " + f));
        System.exit(0);
    }

    public List<Figures> run(String scenario, Map<String, String> a) throws Exception {
        return switch (scenario) {
            case "latency" -> List.of(latency(intArg(a, "requests", 40_000), intArg(a, "in-flight", 8_000),
                    intArg(a, "latency-ms", 2_000)));
            case "failover" -> failover(intArg(a, "requests", 10_000), intArg(a, "in-flight", 5_000));
            case "storm" -> List.of(storm(intArg(a, "rpm", 1_200), intArg(a, "requests", 1_800)));
            default -> throw new IllegalArgumentException("unknown scenario " + scenario + "; expected latency, failover or storm");
        };
    }

    private static int intArg(Map<String, String> a, String name, int fallback) {
        return a.containsKey(name) ? Integer.parseInt(a.get(name)) : fallback;
    }

    Figures latency(int requests, int inFlight, int latencyMs) throws Exception {
        sim.reset();
        sim.script("bench-primary", "{\"latencyMs\": " + latencyMs + "}");
        String yaml = catalog(inFlight, "", "");
        return measure("latency", yaml, requests, List.of(new ModelRef("bench", "bench-primary")), Map.of());
    }

    List<Figures> failover(int requests, int inFlight) throws Exception {
        sim.reset();
        sim.script("bench-primary", "{\"latencyMs\": 500}");
        sim.script("bench-fallback", "{\"latencyMs\": 500}");
        String yaml = catalog(inFlight, "", "");
        List<ModelRef> chain = List.of(new ModelRef("bench", "bench-primary"), new ModelRef("bench", "bench-fallback"));
        Figures baseline = measure("failover-baseline", yaml, requests, chain, Map.of());
        sim.reset();
        sim.script("bench-primary", "{\"down\": true, \"errorStatus\": 503}");
        sim.script("bench-fallback", "{\"latencyMs\": 500}");
        Figures down = measure("failover-primary-down", yaml, requests, chain, Map.of());
        sim.reset();
        sim.script("bench-primary", "{\"latencyMs\": 500}");
        sim.script("bench-fallback", "{\"latencyMs\": 500}");
        Figures warm = measure("failover-primary-down-when-warm", yaml, requests, chain, Map.of(), 2 * inFlight,
                () -> sim.script("bench-primary", "{\"down\": true, \"errorStatus\": 503}"));
        Map<String, Object> extra = new LinkedHashMap<>(down.extra());
        extra.put("added_p99_ms", down.p99Ms() - baseline.p99Ms());
        Figures withAdded = new Figures(down.scenario(), down.requests(), down.ok(), down.failed(), down.duplicates(),
                down.seconds(), down.completedPerSecond(), down.inFlightMax(), down.providerCalls(), down.p50Ms(),
                down.p99Ms(), down.heapUsedMaxMb(), down.breakerOpenedAfterCalls(), extra);
        return List.of(baseline, withAdded, warm);
    }

    Figures storm(int rpm, int requests) throws Exception {
        sim.reset();
        sim.script("bench-primary", "{\"latencyMs\": 100, \"requestsPerMinute\": " + rpm
                + ", \"errorRate\": 0.2, \"errorStatus\": 429, \"retryAfterSeconds\": 2, \"seed\": 7}");
        String yaml = catalog(2_000, "guards: {requestsPerMinute: " + rpm + "}", "");
        Figures f = measure("storm", yaml, requests, List.of(new ModelRef("bench", "bench-primary")), Map.of());
        JsonNode model = sim.stats().path("models").path("bench-primary");
        Map<String, Object> extra = new LinkedHashMap<>(f.extra());
        extra.put("configured_rpm", rpm);
        extra.put("provider_max_calls_in_any_minute", model.path("maxCallsInAnyMinute").asInt());
        extra.put("provider_429s", model.path("callsByStatus").path("429").asLong());
        return new Figures(f.scenario(), f.requests(), f.ok(), f.failed(), f.duplicates(), f.seconds(),
                f.completedPerSecond(), f.inFlightMax(), f.providerCalls(), f.p50Ms(), f.p99Ms(), f.heapUsedMaxMb(),
                f.breakerOpenedAfterCalls(), extra);
    }

    private String catalog(int maxInFlight, String providerGuards, String modelGuards) {
        return """
                topics:
                  bands: {CRITICAL: 2, HIGH: 2, NORMAL: 4, LOW: 2, BULK: 2}
                  partitions: 6
                worker:
                  maxInFlight: %2$d
                  commitIntervalMs: 100
                  defaultDeadlineMs: 900000
                providers:
                  bench:
                    kind: openai
                    baseUrl: %1$s/v1
                    http: {maxConnections: %5$d, http2: %6$s, connectTimeoutMs: 2000, responseTimeoutMs: 60000}
                    %3$s
                models:
                  bench-primary: {provider: bench, contextWindow: 128000, maxOutputTokens: 256, price: {inputPerMTok: 0.15, outputPerMTok: 0.6}, guards: {minimumCalls: 20, waitInOpenMs: 5000, cooldownMs: 5000}}
                  bench-fallback: {provider: bench, contextWindow: 128000, maxOutputTokens: 256, price: {inputPerMTok: 0.15, outputPerMTok: 0.6}}
                routes:
                  - match: ""
                    candidates: [bench-primary, bench-fallback]
                """.formatted(simUrl, maxInFlight, providerGuards, modelGuards, connections, http2);
    }

    private Figures measure(String scenario, String yaml, int requests, List<ModelRef> chain,
                            Map<String, Object> extra) throws Exception {
        return measure(scenario, yaml, requests, chain, extra, 0, () -> { });
    }

    /**
     * @param warmup requests answered before {@code fault} is injected and the measured load starts
     *               (a warm worker: its models proven, its connections open)
     */
    private Figures measure(String scenario, String yaml, int requests, List<ModelRef> chain,
                            Map<String, Object> extra, int warmup, Runnable fault) throws Exception {
        Catalog catalog = CatalogLoader.parse(yaml, "bench", System::getenv)
                .withNamePrefix("bench-" + UUID.randomUUID().toString().substring(0, 8) + ".");
        HeapWatch heap = new HeapWatch();
        heap.start();
        try (Worker worker = Worker.start(catalog, bootstrap, "bench-worker");
             KafkaConsumer<String, byte[]> results = reader(catalog.topics().results())) {
            Map<String, Long> callsAtFault = Map.of();
            if (warmup > 0) {
                load(catalog, warmup, chain, "warm-");
                Set<String> warmed = new HashSet<>();
                long warmEnd = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                while (warmed.size() < warmup && System.nanoTime() < warmEnd) {
                    results.poll(Duration.ofMillis(200)).forEach(r -> warmed.add(r.key()));
                }
                fault.run();
                callsAtFault = worker.stats().callsByModel();
            }
            long start = System.nanoTime();
            load(catalog, requests, chain, "bench-");
            Set<String> seen = new HashSet<>();
            long duplicates = 0;
            long ok = 0;
            long failed = 0;
            List<Long> latencies = new ArrayList<>(requests);
            long[] doneAtNanos = new long[requests];
            long firstResultNanos = 0;
            int slowShown = 0;
            long lastProgress = System.nanoTime();
            while (seen.size() < requests && System.nanoTime() - lastProgress < Duration.ofSeconds(120).toNanos()) {
                for (ConsumerRecord<String, byte[]> r : results.poll(Duration.ofMillis(200))) {
                    LlmResult result = Codecs.RESULT.decode(r.value());
                    if (result.getRequestId().startsWith("warm-")) {
                        continue;
                    }
                    if (!seen.add(result.getRequestId())) {
                        duplicates++;
                        continue;
                    }
                    if (firstResultNanos == 0) {
                        firstResultNanos = System.nanoTime();
                    }
                    lastProgress = System.nanoTime();
                    doneAtNanos[seen.size() - 1] = lastProgress;
                    latencies.add(result.getLatencyMs());
                    if (result.getLatencyMs() > 8_000 && slowShown++ < 5) {
                        System.out.println("slow: " + result.getRequestId() + " " + result.getLatencyMs() + " ms, "
                                + result.getAttempts() + " attempts, " + result.getModel());
                    }
                    if (result.getStatus() == ResultStatus.OK) {
                        ok++;
                    } else {
                        failed++;
                        if (failed <= 3) {
                            System.out.println("failed: " + result.getError());
                        }
                    }
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double steady = firstResultNanos == 0 ? seconds : (System.nanoTime() - firstResultNanos) / 1e9;
            latencies.sort(Long::compare);
            WorkerStats stats = worker.stats();
            if (seen.size() < requests) {
                System.out.println("INCOMPLETE " + stats);
            }
            heap.stopWatching();
            Map<String, Object> more = new LinkedHashMap<>(extra);
            if (warmup > 0) {
                for (Map.Entry<String, Long> opened : stats.breakerOpenedAfterCalls().entrySet()) {
                    more.put("breaker_opened_after_calls_since_fault." + opened.getKey(),
                            opened.getValue() - callsAtFault.getOrDefault(opened.getKey(), 0L));
                }
            }
            more.put("retries", stats.retries());
            more.put("failovers", stats.failovers());
            more.put("rate_limit_waits", stats.rateLimitWaits());
            more.put("completed_per_s_after_first_result", Math.round(seen.size() / Math.max(0.001, steady)));
            int from = seen.size() / 4;
            int to = (int) (seen.size() * 0.9) - 1;
            if (to > from) {
                double window = (doneAtNanos[to] - doneAtNanos[from]) / 1e9;
                more.put("steady_completed_per_s", Math.round((to - from) / Math.max(0.001, window)));
            }
            worker.meterRegistry().find("llm.worker.failures").counters().forEach(c ->
                    more.put("failures_" + c.getId().getTag("model") + "_" + c.getId().getTag("kind"), (long) c.count()));
            return new Figures(scenario, requests, ok, failed, duplicates, seconds, seen.size() / seconds,
                    stats.inFlightMax(), stats.providerCalls(), pct(latencies, 0.50), pct(latencies, 0.99),
                    heap.maxUsedMb(), stats.breakerOpenedAfterCalls(), more);
        }
    }

    private static long pct(List<Long> sorted, double p) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * p) - 1));
    }

    private void load(Catalog catalog, int requests, List<ModelRef> chain, String idPrefix) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        Priority[] priorities = Priority.values();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
            for (int i = 0; i < requests; i++) {
                String id = idPrefix + i;
                // every priority in turn, so all 12 banded partitions carry load
                Priority priority = priorities[i % priorities.length];
                long now = System.currentTimeMillis();
                LlmRequest request = LlmRequest.newBuilder()
                        .setRequestId(id).setTenantId("bench").setTaskType("bench").setPriority(priority)
                        .setMessages(List.of(new ChatMessage(Role.USER, "bench question " + i, null, null)))
                        .setParams(GenerationParams.newBuilder().setMaxTokens(32).build())
                        .setSubmittedAtMs(now).build();
                LlmAssignment assignment = LlmAssignment.newBuilder()
                        .setRequest(request).setRoute("").setTarget(chain.getFirst())
                        .setFallbackChain(chain.subList(1, chain.size())).setEstimatedInputTokens(12)
                        .setEstimatedCostMicros(30).setAssignedAtMs(now).build();
                int partition = catalog.bands().partitionFor(priority, id);
                producer.send(new ProducerRecord<>(catalog.topics().assigned(), partition, id, Codecs.ASSIGNMENT.encode(assignment)));
            }
        }
    }

    private KafkaConsumer<String, byte[]> reader(String topic) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-reader-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c);
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    /** Samples the heap in use after each GC-able moment, to report the most the run needed. */
    private static final class HeapWatch extends Thread {
        private volatile boolean running = true;
        private volatile long maxUsed;

        HeapWatch() {
            super("bench-heap-watch");
            setDaemon(true);
        }

        @Override
        public void run() {
            while (running) {
                long used = 0;
                for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                    if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) {
                        used += pool.getCollectionUsage().getUsed();
                    }
                }
                maxUsed = Math.max(maxUsed, used);
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void stopWatching() {
            running = false;
        }

        long maxUsedMb() {
            return maxUsed / (1024 * 1024);
        }
    }
}
