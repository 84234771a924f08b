package io.llmpipeline.launcher;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * A closed loop of chat completions over HTTP/1.1: {@code concurrency} calls outstanding, so the
 * client keeps about that many connections open; each call timed from send to the whole response.
 */
final class HttpLoad {
    private HttpLoad() {
    }

    static LoadGenerator.Outcome run(String baseUrl, String apiKey, int requests, int concurrency, Duration timeout, String label)
            throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        URI uri = URI.create(baseUrl + "/v1/chat/completions");
        Semaphore outstanding = new Semaphore(concurrency);
        Histogram latency = new ConcurrentHistogram(3_600_000_000L, 3);
        AtomicLong failed = new AtomicLong();
        Map<String, Long> failures = new ConcurrentHashMap<>();
        long start = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            outstanding.acquire();
            String body = "{\"model\":\"auto\",\"max_tokens\":32,\"messages\":[{\"role\":\"user\",\"content\":\"Benchmark prompt "
                    + label + i + ": say something short.\"}]}";
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout)
                    .header("Authorization", "Bearer " + apiKey).header("Content-Type", "application/json")
                    .header("X-LLM-Priority", BENCH_PRIORITIES[i % BENCH_PRIORITIES.length])
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            long sent = System.nanoTime();
            http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
                latency.recordValue(Math.max(1, (System.nanoTime() - sent) / 1_000));
                if (error != null || response.statusCode() != 200) {
                    failed.incrementAndGet();
                    failures.merge(error != null ? error.getClass().getSimpleName() : "HTTP " + response.statusCode(), 1L, Long::sum);
                }
                outstanding.release();
            });
        }
        outstanding.acquire(concurrency);
        http.close();
        // the HTTP bench compares throughput and latency; gaps between answers are the router-kill scenario's measure
        return new LoadGenerator.Outcome(requests, failed.get(), 0, (System.nanoTime() - start) / 1e9, latency, Map.copyOf(failures), Double.NaN, Double.NaN);
    }

    /** The same spread over the bands as the Kafka bench. */
    private static final String[] BENCH_PRIORITIES = {"critical", "high", "normal", "low", "bulk"};
}
