package io.llmpipeline.launcher;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.PriorityBands;
import io.llmpipeline.catalog.WorkerConfig;
import io.llmpipeline.client.LlmClient;
import io.llmpipeline.client.Requests;
import io.llmpipeline.schemas.GenerationParams;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.Priority;
import io.llmpipeline.sim.FaultScript;
import io.llmpipeline.worker.WorkerStatsFile;
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

    @Option(names = "--warmup", paramLabel = "N", description = "Requests sent first and not measured, at least (default: as many as "
            + "--requests, at least 100,000 (--via http: at least 2,000); then --warmup-quiet-percent decides whether more follow; "
            + "rate-limit scenarios: at most --rpm-limit / 20, under the provider's limit).")
    Integer warmup;

    @Option(names = "--warmup-quiet-percent", paramLabel = "P", defaultValue = "10",
            description = "After --warmup, more warm-up rounds until the JIT compilers of the launcher and worker JVMs used less "
                    + "than P%% of one core over a round: the C2 compiler of the launcher JVM keeps compiling for two to three minutes "
                    + "of load; 0: --warmup only; rate-limit scenarios and --via http: --warmup only (default: ${DEFAULT-VALUE}).")
    int warmupQuietPercent;

    @Option(names = "--warmup-max-seconds", paramLabel = "S", defaultValue = "300",
            description = "No further warm-up round starts after S seconds of warm-up, the compilers quiet or not (default: ${DEFAULT-VALUE}).")
    int warmupMaxSeconds;

    @Option(names = "--warmup-concurrency", paramLabel = "C",
            description = "Requests in flight during the warm-up (default: --concurrency, at least 1,000, so that a latency run at "
                    + "low concurrency does not spend minutes warming up; rate-limit scenarios: --concurrency).")
    Integer warmupConcurrency;

    /** The least the warm-up sends; {@link Warmup} adds rounds until the JIT compilers are quiet (the JIT is the point of the warm-up). */
    int warmupRequests() {
        return warmup != null ? warmup : Math.max(100_000, requests);
    }

    int warmupConcurrency(int warmupRequests) {
        return Math.min(warmupRequests, warmupConcurrency != null ? warmupConcurrency : Math.max(1_000, concurrency));
    }

    @Option(names = "--scenario", defaultValue = "none", paramLabel = "NAME",
            description = "none, primary-down (the primary model hard down, fallback healthy: a healthy baseline run, then the "
                    + "same load with the fault) or rate-limit-storm (the provider allows --rpm-limit per minute and answers 20%% "
                    + "of calls 429 with Retry-After) or rate-limit (the same limit, no other fault) or router-kill (a second router instance in its own JVM, killed with kill -9 "
                    + "--kill-after-seconds into the run; prints the longest gap between results) (default: ${DEFAULT-VALUE}).")
    String scenarioName;

    @Option(names = "--kill-after-seconds", defaultValue = "5",
            description = "router-kill: seconds into the measured run when the second router is killed (default: ${DEFAULT-VALUE}).")
    int killAfterSeconds;

    @Option(names = "--restart-after-seconds", paramLabel = "S",
            description = "router-kill: start the killed instance again S seconds after the kill (default: not restarted).")
    Integer restartAfterSeconds;

    @Option(names = "--kill-worker-after-seconds", paramLabel = "S",
            description = "rate-limit, rate-limit-storm with --workers 2 or more: the last worker process is killed with kill -9 S seconds "
                    + "into the run; prints how long the provider's call rate stayed under what all workers reached before it.")
    Integer killWorkerAfterSeconds;

    @Option(names = "--rpm-limit", defaultValue = "1200",
            description = "rate-limit-storm, rate-limit: the provider's requests per minute (default: ${DEFAULT-VALUE}).")
    int rpmLimit;

    @Option(names = "--catalog-rpm-limit", paramLabel = "N",
            description = "rate-limit-storm, rate-limit: the requests per minute the catalog believes, when it is wrong (default: --rpm-limit).")
    Integer catalogRpmLimit;

    @Option(names = "--workers", defaultValue = "1",
            description = "Worker instances, one consumer group sharing every rate limit (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--worker-heap-mb", defaultValue = "512",
            description = "The worker runs in its own JVM with this heap limit; 0 runs it inside the launcher (default: ${DEFAULT-VALUE}).")
    int workerHeapMb;

    @Option(names = "--distinct-prompts", paramLabel = "K",
            description = "Cache-hit path: --requests cacheable requests with all different prompts (cache misses), then K "
                    + "prompts to fill the cache, then --requests requests over those K prompts (cache hits); the ratio compares "
                    + "the hit run with the miss run of the same size.")
    Integer distinctPrompts;

    @Option(names = "--via", defaultValue = "kafka", paramLabel = "kafka|http",
            description = "http: the load first through the Java client, then as chat completions through the HTTP API in its own JVM, "
                    + "with --concurrency connections; prints both and the API's CPU per request (default: ${DEFAULT-VALUE}).")
    String via;

    @Override
    public Integer call() throws Exception {
        WorkDirs.deleteRecursively(common.workDir.resolve("bench"));
        if (via.equals("http")) {
            return HttpBench.run(common.options("bench").withWorkerProcesses(1, workerHeapMb).withAdjust(this::roomForConcurrency),
                    requests, warmup != null ? warmup : Math.max(2_000, requests), concurrency, providerLatencyMs, i -> request("k" + i));
        }
        BenchScenario scenario = BenchScenario.parse(scenarioName);
        LocalPipeline.Options options = common.options("bench").withWorkerProcesses(Math.max(1, workers), workerHeapMb)
                .withAdjust(catalog -> scenario.adjust(catalog, TASK_TYPE, catalogRpmLimit == null ? rpmLimit : catalogRpmLimit))
                .withAdjust(this::roomForConcurrency);
        if (partitions != null) {
            options = options.withAdjust(catalog -> catalog.withBands(PriorityBands.spread(partitions)));
        }
        try (LocalPipeline pipeline = LocalPipeline.start(options);
             LlmClient client = LlmClient.connect(pipeline.catalog(), pipeline.bootstrapServers())) {
            pipeline.simulator().script("*", FaultScript.none().withLatency(providerLatencyMs, 0));
            int bandPartitions = pipeline.catalog().bands().totalPartitions();
            System.err.printf("bench: %d requests, concurrency %d, provider latency %d ms, %d partitions, scenario %s, %d worker(s) %s, Kafka at %s%n",
                    requests, concurrency, providerLatencyMs, bandPartitions, scenario.label(), Math.max(1, workers),
                    workerHeapMb > 0 ? "each in its own JVM with -Xmx" + workerHeapMb + "m" : "in this JVM", pipeline.bootstrapServers());

            double ceiling = KafkaCeiling.measure(pipeline.bootstrapServers(), "bench.ceiling." + System.nanoTime(),
                    bandPartitions, Math.max(requests, 20_000), encodedSize());
            // a limited run warms up for about 3 s of its limit, already under the provider's limit: the worker processes
            // are running and hold their shares when the measured run starts, and the provider counts every call it got
            int warmup = scenario.limited() ? Math.min(warmupRequests(), rpmLimit / 20) : warmupRequests();
            if (scenario.limited()) {
                scenario.inject(pipeline.simulator(), pipeline.catalog(), TASK_TYPE, providerLatencyMs, rpmLimit);
            }
            LongSupplier compileMs = () -> WorkerStatsFile.compileMs() + pipeline.workerFigures().compileMs();
            Warmup.Done warmedUp = new Warmup.Done(0, Double.NaN, false);
            if (warmup > 0) {
                int inFlight = scenario.limited() ? Math.min(concurrency, warmup) : warmupConcurrency(warmup);
                warmedUp = new Warmup((first, n) -> LoadGenerator.run(client, n, Math.min(inFlight, n), Duration.ofMinutes(5),
                        i -> request("w" + (first + i)), "warmup"), compileMs, System::currentTimeMillis, System.err::println)
                        .run(warmup, Math.max(20_000, 5 * inFlight), scenario.limited() ? 0 : warmupQuietPercent / 100.0,
                                warmupMaxSeconds * 1000L);
            }
            LoadGenerator.Outcome baseline = null;
            if (scenario == BenchScenario.PRIMARY_DOWN) {
                baseline = LoadGenerator.run(client, requests, concurrency, Duration.ofMinutes(5), i -> request("h" + i), "healthy");
            }
            String primary = BenchScenario.primaryModel(pipeline.catalog(), TASK_TYPE);
            Thread.sleep(1_000); // let the worker process report its calls so far
            long primaryCallsBeforeFault = pipeline.workerFigures().calls(primary);
            if (!scenario.limited()) {
                scenario.inject(pipeline.simulator(), pipeline.catalog(), TASK_TYPE, providerLatencyMs, rpmLimit);
                pipeline.simulator().resetStats();
            }
            LoadGenerator.Outcome misses = null;
            LoadGenerator.Outcome outcome;
            long cpuBeforeMs = PipelineCpu.nowMs();
            long compileBeforeMs = compileMs.getAsLong();
            long measuredSinceMs = System.currentTimeMillis();
            WorkerKill.Reclaim reclaim = null;
            if (scenario == BenchScenario.ROUTER_KILL) {
                outcome = RouterKill.run(pipeline, common.workDir.resolve("bench").resolve("router-2"), Duration.ofSeconds(killAfterSeconds),
                        restartAfterSeconds == null ? null : Duration.ofSeconds(restartAfterSeconds),
                        () -> LoadGenerator.run(client, requests, concurrency, Duration.ofMinutes(5), i -> request("k" + i), "bench "));
            } else if (killWorkerAfterSeconds != null) {
                if (!scenario.limited() || workers < 2 || workerHeapMb <= 0) {
                    throw new IllegalArgumentException("--kill-worker-after-seconds needs --scenario rate-limit or rate-limit-storm, "
                            + "--workers 2 or more, and workers in their own JVMs (--worker-heap-mb > 0)");
                }
                WorkerKill.Result killed = WorkerKill.run(pipeline, workers - 1, Duration.ofSeconds(killWorkerAfterSeconds),
                        () -> pipeline.simulator().stats().totalCalls(),
                        () -> LoadGenerator.run(client, requests, concurrency, Duration.ofMinutes(10), i -> request("b" + i), "bench "));
                outcome = killed.outcome();
                reclaim = killed.reclaim();
            } else if (distinctPrompts == null) {
                outcome = LoadGenerator.run(client, requests, concurrency, Duration.ofMinutes(5), i -> request("b" + i), "bench ");
            } else {
                // equal work: as many cacheable requests as the hit run, every one a different prompt (all misses)
                misses = LoadGenerator.run(client, requests, concurrency, Duration.ofMinutes(5),
                        i -> cacheable(FULL_MISS_PROMPTS + i), "misses");
                LoadGenerator.run(client, distinctPrompts, concurrency, Duration.ofMinutes(5), i -> cacheable(i), "fill  ");
                outcome = LoadGenerator.run(client, requests, concurrency, Duration.ofMinutes(5),
                        i -> cacheable(i % distinctPrompts), "hits  ");
            }
            long providerCalls = pipeline.simulator().stats().totalCalls();
            long cpuMs = PipelineCpu.nowMs() - cpuBeforeMs;
            long measuredCompileMs = compileMs.getAsLong() - compileBeforeMs;
            long measuredWallMs = Math.max(1, System.currentTimeMillis() - measuredSinceMs);
            long measured = outcome.requests() + (misses == null ? 0 : misses.requests());
            Thread.sleep(1_000); // the worker process writes its figures twice a second
            WorkerFigures workerFigures = pipeline.workerFigures();

            System.out.printf(Locale.ROOT, "%nend-to-end: %d requests in %.1f s = %.0f req/s; latency p50 %.1f ms, p99 %.1f ms; %d failed%n",
                    outcome.requests(), outcome.seconds(), outcome.throughput(), outcome.p50Ms(), outcome.p99Ms(), outcome.failed());
            if (!outcome.failures().isEmpty()) {
                System.out.println("failed requests by error kind: " + new java.util.TreeMap<>(outcome.failures()));
            }
            if (!Double.isNaN(outcome.steadyThroughput())) {
                System.out.printf(Locale.ROOT, "steady: %.0f req/s from the first round's last result to the last send "
                        + "(%d outstanding throughout; the start, all sent at once, left out)%n", outcome.steadyThroughput(), concurrency);
            }
            System.out.printf(Locale.ROOT, "kafka ceiling (one produce+consume pass, same broker): %.0f records/s%n", ceiling);
            System.out.printf(Locale.ROOT, "CPU of every pipeline process over the measured run: %.1f s = %.2f ms per request%n",
                    cpuMs / 1000.0, (double) cpuMs / measured);
            System.out.printf(Locale.ROOT, "JIT compilers over the measured run: %.1f s (%.0f%% of one core); warm-up: %,d requests%s%n",
                    measuredCompileMs / 1000.0, 100.0 * measuredCompileMs / measuredWallMs, warmedUp.requests(),
                    warmedUp.stillBusy() ? ", ended by --warmup-max-seconds with the compilers still busy" : "");
            System.out.printf(Locale.ROOT, "provider calls: %d%s; worker: %d calls in flight at most, heap peak %d MB%n",
                    providerCalls, scenario.limited() ? " (warm-up included)" : "", workerFigures.inFlightMax(), workerFigures.heapUsedPeakMb());
            StringBuilder last = new StringBuilder(String.format(Locale.ROOT,
                    "bench: requests=%d failed=%d throughput_rps=%.1f p50_ms=%.1f p99_ms=%.1f kafka_ceiling_rps=%.0f provider_calls=%d",
                    outcome.requests(), outcome.failed(), outcome.throughput(), outcome.p50Ms(), outcome.p99Ms(), ceiling, providerCalls));
            last.append(String.format(Locale.ROOT, " in_flight_max=%d worker_heap_mb=%d workers=%d cpu_ms_per_request=%.2f",
                    workerFigures.inFlightMax(), workerFigures.heapUsedPeakMb(), Math.max(1, workers), (double) cpuMs / measured));
            last.append(String.format(Locale.ROOT, " compile_ms=%d warmup_requests=%d", measuredCompileMs, warmedUp.requests()));
            if (!Double.isNaN(outcome.steadyThroughput())) {
                last.append(String.format(Locale.ROOT, " steady_rps=%.1f", outcome.steadyThroughput()));
            }
            if (scenario == BenchScenario.PRIMARY_DOWN) {
                long openedAt = workerFigures.breakerOpenAfterCalls(primary);
                long afterFault = openedAt < 0 ? -1 : openedAt - primaryCallsBeforeFault;
                double added = outcome.p99Ms() - baseline.p99Ms();
                System.out.printf(Locale.ROOT, "primary %s down: breaker opened after %d calls to the down model; p99 %.1f ms vs %.1f ms healthy (%+.1f ms)%n",
                        primary, afterFault, outcome.p99Ms(), baseline.p99Ms(), added);
                last.append(String.format(Locale.ROOT, " breaker_open_after_calls=%d baseline_p99_ms=%.1f added_p99_ms=%.1f",
                        afterFault, baseline.p99Ms(), added));
            }
            if (scenario.limited()) {
                var stats = pipeline.simulator().stats();
                int maxRpm = stats.models().keySet().stream().mapToInt(stats::maxRequestsPerMinute).max().orElse(0);
                long throttled = stats.models().keySet().stream().mapToLong(m -> stats.callsWithStatus(m, 429)).sum();
                System.out.printf(Locale.ROOT, "%s: provider saw at most %d requests in any minute (limit %d, catalog %d); %d calls answered 429%n",
                        scenario.label(), maxRpm, rpmLimit, catalogRpmLimit == null ? rpmLimit : catalogRpmLimit, throttled);
                // the storm refuses 20 % at random, so 80 % of the limit is the most that can complete there
                double ofLimit = outcome.throughput() / (rpmLimit / 60.0);
                System.out.printf(Locale.ROOT, "rate limit: completed %.1f req/s = %.0f %% of the limit's %.1f/s%n",
                        outcome.throughput(), 100 * ofLimit, rpmLimit / 60.0);
                last.append(String.format(Locale.ROOT, " provider_max_rpm=%d provider_rpm_limit=%d provider_429s=%d completed_of_limit=%.2f",
                        maxRpm, rpmLimit, throttled, ofLimit));
            }
            if (reclaim != null) {
                System.out.printf(Locale.ROOT, "worker kill -9 (one of %d): provider calls %.1f/s before; back to %.0f %% of it %.1f s after the kill%n",
                        workers, reclaim.beforePerSecond(), 100 * WorkerKill.RECOVERED, reclaim.reclaimMs() / 1000.0);
                last.append(String.format(Locale.ROOT, " provider_rps_before_kill=%.1f share_reclaim_ms=%d",
                        reclaim.beforePerSecond(), reclaim.reclaimMs()));
            }
            if (scenario == BenchScenario.ROUTER_KILL) {
                System.out.printf(Locale.ROOT, "router kill -9 (one of two instances%s): longest gap between results %.0f ms%n",
                        restartAfterSeconds == null ? "" : ", restarted " + restartAfterSeconds + " s later", outcome.longestGapMs());
                last.append(String.format(Locale.ROOT, " longest_gap_ms=%.0f", outcome.longestGapMs()));
            }
            if (misses != null) {
                System.out.printf(Locale.ROOT, "cache misses: %d different cacheable prompts at %.0f req/s (p50 %.1f ms); "
                                + "hits: %d of %d at %.0f req/s = %.1fx%n",
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

    /** The worker must be able to hold every outstanding request, or the bench measures its cap instead of the pipeline. */
    private Catalog roomForConcurrency(Catalog catalog) {
        WorkerConfig w = catalog.config().worker();
        if (w.maxInFlight() >= concurrency) {
            return catalog;
        }
        WorkerConfig roomy = w.withMaxInFlight(concurrency);
        return catalog.with(c -> c.withWorker(roomy));
    }

    /** Task type of every bench request: the bundled catalog's default route. */
    static final String TASK_TYPE = "chat";

    private static LlmRequest request(String id) {
        Priority priority = Priority.values()[Math.floorMod(id.hashCode(), Priority.values().length)];
        return Requests.chat("bench", TASK_TYPE, priority, "Benchmark prompt " + id + ": say something short.")
                .setRequestId(id + "-" + System.nanoTime())
                .setParams(GenerationParams.newBuilder().setMaxTokens(32).build())
                .build();
    }

    /** Deterministic (temperature 0), so the conservative cache policy caches it; unique id, shared prompt. */
    /** Prompt numbers of the full-miss run start here, clear of the hit run's first K. */
    private static final int FULL_MISS_PROMPTS = 1_000_000_000;

    private static LlmRequest cacheable(int prompt) {
        return Requests.chat("bench", TASK_TYPE, Priority.NORMAL, "Cacheable benchmark prompt #" + prompt + ": say something short.")
                .setRequestId("c" + prompt + "-" + System.nanoTime())
                .setParams(GenerationParams.newBuilder().setMaxTokens(32).setTemperature(0.0).build())
                .build();
    }

    private static int encodedSize() {
        return io.llmpipeline.schemas.Codecs.REQUEST.encode(request("size")).length;
    }
}
