package io.llmpipeline.launcher.batch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

import io.llmpipeline.client.LlmClient;
import io.llmpipeline.client.Requests;
import io.llmpipeline.schemas.GenerationParams;
import io.llmpipeline.schemas.Priority;

/** HIGH requests sent a few at a time, as interactive users would, each timed from submit to result. */
final class InteractiveLoad {
    private static final int AT_ONCE = 4;

    private InteractiveLoad() {
    }

    record Outcome(Histogram latencyMicros, long failed) {
        double p99Ms() {
            return latencyMicros.getValueAtPercentile(99) / 1000.0;
        }
    }

    /**
     * The same prompts as a batch's, sent as plain BULK requests (no idempotency key) with at most
     * {@code window} outstanding: what the pipeline does without the batch machinery. Returns requests/s.
     */
    static double plainBulk(LlmClient client, int requests, int window, boolean idempotencyKeys) throws Exception {
        java.util.concurrent.Semaphore outstanding = new java.util.concurrent.Semaphore(window);
        long start = System.nanoTime();
        String run = Long.toString(System.nanoTime(), 36);
        for (int i = 0; i < requests; i++) {
            outstanding.acquire();
            client.submit(Requests.chat("bench-plain", "batch", Priority.BULK, "Batch prompt p" + i + ": say something short.")
                            .setIdempotencyKey(idempotencyKeys ? run + "/" + i : null)
                            .setModel("gpt-4o-mini").setParams(GenerationParams.newBuilder().setMaxTokens(32).build()).build(),
                    Duration.ofMinutes(30)).whenComplete((r, e) -> outstanding.release());
        }
        outstanding.acquire(window);
        return requests / ((System.nanoTime() - start) / 1e9);
    }

    static Outcome run(LlmClient client, int requests, String label) throws Exception {
        Histogram latency = new Histogram(3_600_000_000L, 3);
        long failed = 0;
        for (int sent = 0; sent < requests; sent += AT_ONCE) {
            List<CompletableFuture<Long>> wave = new ArrayList<>();
            for (int i = sent; i < Math.min(requests, sent + AT_ONCE); i++) {
                long start = System.nanoTime();
                wave.add(client.submit(Requests.chat("interactive", "chat", Priority.HIGH, label + " question " + i + " " + System.nanoTime())
                                .setParams(GenerationParams.newBuilder().setMaxTokens(32).build()).build(), Duration.ofMinutes(2))
                        .thenApply(r -> (System.nanoTime() - start) / 1_000));
            }
            for (CompletableFuture<Long> f : wave) {
                try {
                    latency.recordValue(Math.max(1, f.get(3, TimeUnit.MINUTES)));
                } catch (java.util.concurrent.ExecutionException e) {
                    failed++;
                }
            }
        }
        return new Outcome(latency, failed);
    }
}
