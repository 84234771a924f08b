package io.llmpipeline.launcher;

import java.time.Duration;
import java.util.Locale;
import java.util.function.IntFunction;

import io.llmpipeline.client.LlmClient;
import io.llmpipeline.http.DemoKey;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.sim.FaultScript;

/**
 * {@code bench --via http}: the same load twice on one pipeline, in one session, so the two
 * figures compare: first through the Java client on Kafka, then as chat completions through the
 * HTTP API running in its own JVM, whose CPU per request is read from the operating system.
 */
final class HttpBench {
    private HttpBench() {
    }

    static int run(LocalPipeline.Options options, int requests, int warmup, int concurrency, int providerLatencyMs,
                   IntFunction<LlmRequest> kafkaRequest) throws Exception {
        try (LocalPipeline pipeline = LocalPipeline.start(options);
             LlmClient client = LlmClient.connect(pipeline.catalog(), pipeline.bootstrapServers());
             ApiProcess api = ApiProcess.start(pipeline.catalog(), pipeline.bootstrapServers(), options.workDir().resolve("http-api"), 512)) {
            if (!DemoKey.acceptedBy(pipeline.catalog())) {
                throw new IllegalStateException("bench --via http calls as the demo tenant; the catalog must keep its demo key");
            }
            pipeline.simulator().script("*", FaultScript.none().withLatency(providerLatencyMs, 0));
            System.err.printf("bench via http: %d requests, %d concurrent connections, provider latency %d ms, API at %s%n",
                    requests, concurrency, providerLatencyMs, api.baseUrl());
            Duration timeout = Duration.ofMinutes(5);
            LoadGenerator.run(client, warmup, Math.min(concurrency, warmup), timeout, i -> kafkaRequest.apply(i), "warmup");
            HttpLoad.run(api.baseUrl(), DemoKey.KEY, warmup, Math.min(concurrency, warmup), timeout, "w");
            LoadGenerator.Outcome kafka = LoadGenerator.run(client, requests, concurrency, timeout, i -> kafkaRequest.apply(requests + i), "kafka ");
            Duration cpuBefore = api.cpu();
            LoadGenerator.Outcome http = HttpLoad.run(api.baseUrl(), DemoKey.KEY, requests, concurrency, timeout, "b");
            double cpuMicrosPerRequest = api.cpu().minus(cpuBefore).toNanos() / 1_000.0 / requests;

            System.out.printf(Locale.ROOT, "%njava client on kafka: %.0f req/s, p50 %.1f ms, p99 %.1f ms, %d failed%n",
                    kafka.throughput(), kafka.p50Ms(), kafka.p99Ms(), kafka.failed());
            System.out.printf(Locale.ROOT, "http api:             %.0f req/s, p50 %.1f ms, p99 %.1f ms, %d failed %s%n",
                    http.throughput(), http.p50Ms(), http.p99Ms(), http.failed(), http.failures().isEmpty() ? "" : http.failures());
            System.out.printf(Locale.ROOT, "http api process CPU: %.0f us per request%n", cpuMicrosPerRequest);
            System.out.printf(Locale.ROOT, "bench: via=http requests=%d concurrency=%d http_rps=%.1f http_p50_ms=%.1f http_p99_ms=%.1f http_failed=%d "
                            + "kafka_rps=%.1f kafka_p50_ms=%.1f kafka_p99_ms=%.1f kafka_failed=%d api_cpu_us_per_request=%.0f%n",
                    requests, concurrency, http.throughput(), http.p50Ms(), http.p99Ms(), http.failed(),
                    kafka.throughput(), kafka.p50Ms(), kafka.p99Ms(), kafka.failed(), cpuMicrosPerRequest);
            return http.failed() + kafka.failed() == 0 ? 0 : 1;
        }
    }
}
