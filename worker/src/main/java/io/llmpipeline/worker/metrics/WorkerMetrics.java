package io.llmpipeline.worker.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import io.llmpipeline.worker.guard.ModelGuard;

/**
 * The worker's Micrometer meters (per provider and model: calls, failures by kind, latency
 * histogram, breaker state, rate-limit waits, calls in flight) and the plain counters behind
 * {@code WorkerStats}.
 */
public final class WorkerMetrics {
    private final MeterRegistry registry;
    private final AtomicInteger requestsInFlight = new AtomicInteger();
    private final AtomicInteger requestsInFlightMax = new AtomicInteger();
    private final AtomicInteger callsInFlight = new AtomicInteger();
    private final AtomicInteger callsInFlightMax = new AtomicInteger();
    private final AtomicLong providerCalls = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong shadowCompleted = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong readmitted = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong failovers = new AtomicLong();
    private final AtomicLong rateLimitWaits = new AtomicLong();
    private final Map<String, PerModel> perModel = new ConcurrentHashMap<>();
    private final Counter kafkaRestarts;

    public WorkerMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("llm.worker.requests.in_flight", requestsInFlight, AtomicInteger::get)
                .description("requests being worked on, waiting ones included").register(registry);
        Gauge.builder("llm.worker.calls.in_flight.total", callsInFlight, AtomicInteger::get)
                .description("provider calls awaiting an answer").register(registry);
        kafkaRestarts = Counter.builder("llm.worker.kafka.restarts")
                .description("Kafka clients started again after the producer could no longer commit (e.g. its transaction "
                        + "was aborted by the coordinator after a broker outage)").register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Registers the meters of one guarded model. */
    /**
     * Gauges of one shared rate limit: this worker's share of it, the group's rate as this worker
     * sees it (adapted to the provider), and this worker's pace, per minute.
     */
    public void rateLimit(String limitId, DoubleSupplier share, DoubleSupplier groupRatePerMinute,
                          DoubleSupplier ratePerMinute) {
        Gauge.builder("llm.worker.rate_limit.share", share::getAsDouble).tag("limit", limitId)
                .description("this worker's part of the limit held by the worker group, 0-1").register(registry);
        Gauge.builder("llm.worker.rate_limit.group_per_minute", groupRatePerMinute::getAsDouble).tag("limit", limitId)
                .description("the limit the group splits, adapted to the provider's headers and 429s").register(registry);
        Gauge.builder("llm.worker.rate_limit.pace_per_minute", ratePerMinute::getAsDouble).tag("limit", limitId)
                .description("this worker's pace: its share of the group's rate, less the margin").register(registry);
    }

    public void register(ModelGuard guard) {
        perModel.computeIfAbsent(guard.key(), k -> new PerModel(registry, guard));
    }

    private PerModel of(ModelGuard guard) {
        return perModel.computeIfAbsent(guard.key(), k -> new PerModel(registry, guard));
    }

    public void requestStarted() {
        requestsInFlightMax.accumulateAndGet(requestsInFlight.incrementAndGet(), Math::max);
    }

    public void requestEnded(boolean ok, boolean shadow) {
        requestsInFlight.decrementAndGet();
        if (shadow) {
            shadowCompleted.incrementAndGet();
        } else if (ok) {
            completed.incrementAndGet();
        } else {
            failed.incrementAndGet();
        }
    }

    public void requestAbandoned() {
        requestsInFlight.decrementAndGet();
    }

    public void callStarted(ModelGuard guard) {
        providerCalls.incrementAndGet();
        callsInFlightMax.accumulateAndGet(callsInFlight.incrementAndGet(), Math::max);
        of(guard).inFlight.incrementAndGet();
    }

    /** @param failureKind null for a success */
    public void callEnded(ModelGuard guard, String failureKind, long durationNanos) {
        callsInFlight.decrementAndGet();
        PerModel m = of(guard);
        m.inFlight.decrementAndGet();
        m.latency.record(durationNanos, TimeUnit.NANOSECONDS);
        if (failureKind == null) {
            m.ok.increment();
        } else {
            m.failedCalls.increment();
            m.failure(failureKind).increment();
        }
        m.recordOutcome(failureKind == null, durationNanos);
    }

    public void retried() {
        retries.incrementAndGet();
    }

    public void failedOver() {
        failovers.incrementAndGet();
    }

    public void rateLimitWait(ModelGuard guard, long waitMs) {
        rateLimitWaits.incrementAndGet();
        of(guard).rateLimitWait.record(Duration.ofMillis(waitMs));
    }

    public void deadLettered() {
        deadLettered.incrementAndGet();
    }

    /** The loop's consumer and producer were replaced after the producer could no longer commit. */
    public void kafkaClientsRestarted() {
        kafkaRestarts.increment();
    }

    /** A request went back to the router because an earlier owner's call of it may have been billed. */
    public void readmitted() {
        readmitted.incrementAndGet();
    }

    public long readmittedCount() {
        return readmitted.get();
    }

    /** Rolling success rate and p95 over the recent calls of a model. */
    public RollingStats rolling(ModelGuard guard) {
        return of(guard).rolling();
    }

    public int requestsInFlight() {
        return requestsInFlight.get();
    }

    public int requestsInFlightMax() {
        return requestsInFlightMax.get();
    }

    public int callsInFlight() {
        return callsInFlight.get();
    }

    public int callsInFlightMax() {
        return callsInFlightMax.get();
    }

    public long providerCalls() {
        return providerCalls.get();
    }

    public long completed() {
        return completed.get();
    }

    public long failed() {
        return failed.get();
    }

    public long shadowCompleted() {
        return shadowCompleted.get();
    }

    public long deadLetteredCount() {
        return deadLettered.get();
    }

    public long retries() {
        return retries.get();
    }

    public long failovers() {
        return failovers.get();
    }

    public long rateLimitWaits() {
        return rateLimitWaits.get();
    }

    /**
     * @param calls        calls in the window
     * @param failures     failed calls in the window
     * @param successRate  share of successes, 1.0 without calls
     * @param p95LatencyMs 95th percentile latency in the window
     */
    public record RollingStats(long calls, long failures, double successRate, long p95LatencyMs) {
    }

    private static final class PerModel {
        private static final int WINDOW = 512;
        private final MeterRegistry registry;
        private final ModelGuard guard;
        private final AtomicInteger inFlight = new AtomicInteger();
        private final Counter ok;
        private final Counter failedCalls;
        private final Timer latency;
        private final Timer rateLimitWait;
        private final Map<String, Counter> failures = new ConcurrentHashMap<>();
        private final long[] recentNanos = new long[WINDOW];
        private final boolean[] recentOk = new boolean[WINDOW];
        private long recorded;

        PerModel(MeterRegistry registry, ModelGuard guard) {
            this.registry = registry;
            this.guard = guard;
            String provider = guard.provider();
            String model = guard.model();
            ok = Counter.builder("llm.worker.calls").tag("provider", provider).tag("model", model)
                    .tag("outcome", "success").register(registry);
            failedCalls = Counter.builder("llm.worker.calls").tag("provider", provider).tag("model", model)
                    .tag("outcome", "failure").register(registry);
            latency = Timer.builder("llm.worker.call.latency").tag("provider", provider).tag("model", model)
                    .publishPercentileHistogram().register(registry);
            rateLimitWait = Timer.builder("llm.worker.ratelimit.wait").tag("provider", provider).tag("model", model)
                    .register(registry);
            Gauge.builder("llm.worker.calls.in_flight", inFlight, AtomicInteger::get)
                    .tag("provider", provider).tag("model", model).register(registry);
            Gauge.builder("llm.worker.breaker.state", guard, g -> g.breakerState().getOrder())
                    .description("0 closed, 1 open, 2 half-open, 3 disabled, 4 forced open ...")
                    .tag("provider", provider).tag("model", model).register(registry);
        }

        Counter failure(String kind) {
            return failures.computeIfAbsent(kind, k -> Counter.builder("llm.worker.failures")
                    .tag("provider", guard.provider()).tag("model", guard.model()).tag("kind", k).register(registry));
        }

        synchronized void recordOutcome(boolean success, long nanos) {
            int i = (int) (recorded++ % WINDOW);
            recentNanos[i] = nanos;
            recentOk[i] = success;
        }

        synchronized RollingStats rolling() {
            int n = (int) Math.min(recorded, WINDOW);
            if (n == 0) {
                return new RollingStats(0, 0, 1.0, 0);
            }
            long[] sorted = java.util.Arrays.copyOf(recentNanos, n);
            long failuresInWindow = 0;
            for (int i = 0; i < n; i++) {
                if (!recentOk[i]) {
                    failuresInWindow++;
                }
            }
            java.util.Arrays.sort(sorted);
            long p95 = sorted[Math.min(n - 1, (int) Math.ceil(n * 0.95) - 1)] / 1_000_000;
            return new RollingStats(n, failuresInWindow, (n - failuresInWindow) / (double) n, p95);
        }
    }
}
