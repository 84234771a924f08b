package io.llmpipeline.launcher;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.llmpipeline.catalog.PriorityBands;
import io.llmpipeline.client.LlmClient;
import io.llmpipeline.client.Requests;
import io.llmpipeline.schemas.GenerationParams;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.Priority;
import io.llmpipeline.sim.FaultScript;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "A load run through the whole local pipeline. The last line is machine-readable key=value pairs.")
final class BenchCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--requests", defaultValue = "20000", description = "Requests to send (default: ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--concurrency", defaultValue = "1000", description = "Requests outstanding at once (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--provider-latency-ms", defaultValue = "0", description = "Simulated provider latency (default: ${DEFAULT-VALUE}).")
    int providerLatencyMs;

    @Option(names = "--partitions", description = "Partitions of the request topics, spread over the priority bands (default: the catalog's).")
    Integer partitions;

    @Option(names = "--warmup", defaultValue = "2000", description = "Requests sent first and not measured (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--distinct-prompts", paramLabel = "K",
            description = "Cache-hit path: first K distinct cacheable prompts (cache misses, measured as such), "
                    + "then --requests requests over those K prompts (cache hits).")
    Integer distinctPrompts;

    @Override
    public Integer call() throws Exception {
        WorkDirs.deleteRecursively(common.workDir.resolve("bench"));
        LocalPipeline.Options options = common.options("bench");
        if (partitions != null) {
            options = options.withAdjust(catalog -> catalog.withBands(PriorityBands.spread(partitions)));
        }
        try (LocalPipeline pipeline = LocalPipeline.start(options);
             LlmClient client = LlmClient.connect(pipeline.catalog(), pipeline.bootstrapServers())) {
            pipeline.simulator().script("*", FaultScript.none().withLatency(providerLatencyMs, 0));
            int bandPartitions = pipeline.catalog().bands().totalPartitions();
            System.err.printf("bench: %d requests, concurrency %d, provider latency %d ms, %d partitions, Kafka at %s%n",
                    requests, concurrency, providerLatencyMs, bandPartitions, pipeline.bootstrapServers());

            double ceiling = KafkaCeiling.measure(pipeline.bootstrapServers(), "bench.ceiling." + System.nanoTime(),
                    bandPartitions, Math.max(requests, 20_000), encodedSize());
            if (warmup > 0) {
                LoadGenerator.run(client, warmup, Math.min(concurrency, warmup), Duration.ofMinutes(2), i -> request("w" + i), "warmup");
            }
            pipeline.simulator().resetStats();
            LoadGenerator.Outcome misses = null;
            LoadGenerator.Outcome outcome;
            if (distinctPrompts == null) {
                outcome = LoadGenerator.run(client, requests, concurrency, Duration.ofMinutes(5), i -> request("b" + i), "bench ");
            } else {
                misses = LoadGenerator.run(client, distinctPrompts, concurrency, Duration.ofMinutes(5),
                        i -> cacheable(i), "misses");
                outcome = LoadGenerator.run(client, requests, concurrency, Duration.ofMinutes(5),
                        i -> cacheable(i % distinctPrompts), "hits  ");
            }
            long providerCalls = pipeline.simulator().stats().totalCalls();
            long heapMb = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);

            System.out.printf(Locale.ROOT, "%nend-to-end: %d requests in %.1f s = %.0f req/s; latency p50 %.1f ms, p99 %.1f ms; %d failed%n",
                    outcome.requests(), outcome.seconds(), outcome.throughput(), outcome.p50Ms(), outcome.p99Ms(), outcome.failed());
            System.out.printf(Locale.ROOT, "kafka ceiling (one produce+consume pass, same broker): %.0f records/s%n", ceiling);
            System.out.printf(Locale.ROOT, "provider calls: %d; process heap in use: %d MB%n", providerCalls, heapMb);
            StringBuilder last = new StringBuilder(String.format(Locale.ROOT,
                    "bench: requests=%d failed=%d throughput_rps=%.1f p50_ms=%.1f p99_ms=%.1f kafka_ceiling_rps=%.0f provider_calls=%d",
                    outcome.requests(), outcome.failed(), outcome.throughput(), outcome.p50Ms(), outcome.p99Ms(), ceiling, providerCalls));
            if (misses != null) {
                System.out.printf(Locale.ROOT, "cache misses: %d distinct prompts at %.0f req/s (p50 %.1f ms); hits: %d of %d at %.0f req/s = %.1fx%n",
                        misses.requests(), misses.throughput(), misses.p50Ms(), outcome.cacheHits(), outcome.requests(),
                        outcome.throughput(), outcome.throughput() / misses.throughput());
                last.append(String.format(Locale.ROOT, " cache_hits=%d miss_throughput_rps=%.1f hit_to_miss_ratio=%.2f",
                        outcome.cacheHits(), misses.throughput(), outcome.throughput() / misses.throughput()));
            }
            System.out.println(last);
            long failed = outcome.failed() + (misses == null ? 0 : misses.failed());
            return failed == 0 ? 0 : 1;
        }
    }

    private static LlmRequest request(String id) {
        Priority priority = Priority.values()[Math.floorMod(id.hashCode(), Priority.values().length)];
        return Requests.chat("bench", "chat", priority, "Benchmark prompt " + id + ": say something short.")
                .setRequestId(id + "-" + System.nanoTime())
                .setParams(GenerationParams.newBuilder().setMaxTokens(32).build())
                .build();
    }

    /** Deterministic (temperature 0), so the conservative cache policy caches it; unique id, shared prompt. */
    private static LlmRequest cacheable(int prompt) {
        return Requests.chat("bench", "chat", Priority.NORMAL, "Cacheable benchmark prompt #" + prompt + ": say something short.")
                .setRequestId("c" + prompt + "-" + System.nanoTime())
                .setParams(GenerationParams.newBuilder().setMaxTokens(32).setTemperature(0.0).build())
                .build();
    }

    private static int encodedSize() {
        return io.llmpipeline.schemas.Codecs.REQUEST.encode(request("size")).length;
    }
}
