package io.llmpipeline.launcher;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import io.llmpipeline.client.LlmClient;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.ResultStatus;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A closed-loop load: keeps {@code concurrency} requests outstanding until {@code requests} have
 * their results, timing each from submit to result.
 */
final class LoadGenerator {
    private LoadGenerator() {
    }

    /**
     * @param failures failed requests by error kind ("TIMEOUT" when no result came in time)
     * @param longestGapMs the longest time between two results (or the start and the first one)
     * @param steadyThroughput results per second while the loop was full and past its first round (NaN when the run had
     *                         too few rounds): the run's start, every request sent in one burst and none answered yet, left out
     */
    record Outcome(long requests, long failed, long cacheHits, double seconds, Histogram latencyMicros,
                   Map<String, Long> failures, double longestGapMs, double steadyThroughput) {
        double throughput() {
            return requests / seconds;
        }

        double p50Ms() {
            return latencyMicros.getValueAtPercentile(50) / 1000.0;
        }

        double p99Ms() {
            return latencyMicros.getValueAtPercentile(99) / 1000.0;
        }
    }

    static Outcome run(LlmClient client, int requests, int concurrency, Duration timeout, IntFunction<LlmRequest> request,
                       String label) throws InterruptedException {
        Semaphore outstanding = new Semaphore(concurrency);
        Histogram latency = new ConcurrentHistogram(3_600_000_000L, 3);
        AtomicLong failed = new AtomicLong();
        AtomicLong hits = new AtomicLong();
        Map<String, Long> failures = new ConcurrentHashMap<>();
        long start = System.nanoTime();
        AtomicLong lastResult = new AtomicLong(start);
        AtomicLong longestGap = new AtomicLong();
        AtomicLong completed = new AtomicLong();
        AtomicLong firstRoundDoneAt = new AtomicLong();
        long lastSentAt = start;
        try (ProgressBar progress = new ProgressBarBuilder().setTaskName(label).setInitialMax(requests)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).continuousUpdate()
                .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err)).build()) {
            for (int i = 0; i < requests; i++) {
                outstanding.acquire();
                long sent = System.nanoTime();
                lastSentAt = sent;
                client.submit(request.apply(i), timeout).whenComplete((LlmResult result, Throwable error) -> {
                    long now = System.nanoTime();
                    latency.recordValue(Math.max(1, (now - sent) / 1_000));
                    long previous = lastResult.getAndAccumulate(now, Math::max);
                    longestGap.accumulateAndGet(now - previous, Math::max);
                    if (completed.incrementAndGet() == concurrency) {
                        firstRoundDoneAt.set(now);
                    }
                    if (error != null || result.getStatus() != ResultStatus.OK) {
                        failed.incrementAndGet();
                        failures.merge(error != null ? "TIMEOUT" : String.valueOf(result.getError().getKind()), 1L, Long::sum);
                    } else if (result.getCacheHit()) {
                        hits.incrementAndGet();
                    }
                    progress.step();
                    outstanding.release();
                });
            }
            long completedWhenLastSent = completed.get();
            outstanding.acquire(concurrency);
            double steady = steadyThroughput(completedWhenLastSent - concurrency, firstRoundDoneAt.get(), lastSentAt);
            return new Outcome(requests, failed.get(), hits.get(), (System.nanoTime() - start) / 1e9, latency, Map.copyOf(failures),
                    longestGap.get() / 1e6, steady);
        }
    }

    /**
     * Between the first round's last result and the last send every result is followed by a send, so exactly
     * {@code concurrency} requests are outstanding: the rate the pipeline sustains, free of the start's burst.
     */
    static double steadyThroughput(long resultsInWindow, long windowStartNanos, long windowEndNanos) {
        boolean enoughRounds = windowStartNanos != 0 && windowEndNanos > windowStartNanos && resultsInWindow > 0;
        return enoughRounds ? resultsInWindow / ((windowEndNanos - windowStartNanos) / 1e9) : Double.NaN;
    }
}
