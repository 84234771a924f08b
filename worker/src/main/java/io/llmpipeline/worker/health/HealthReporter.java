package io.llmpipeline.worker.health;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.llmpipeline.schemas.BreakerState;
import io.llmpipeline.schemas.ProviderHealth;
import io.llmpipeline.schemas.RateLimitUse;
import io.llmpipeline.worker.guard.GuardRegistry;
import io.llmpipeline.worker.guard.GuardState;
import io.llmpipeline.worker.guard.ModelGuard;
import io.llmpipeline.worker.metrics.WorkerMetrics;
import io.llmpipeline.worker.metrics.WorkerMetrics.RollingStats;

/**
 * Turns breaker transitions, cooldowns and rolling per-model statistics into
 * {@link ProviderHealth} records for the compacted provider-health topic, so the router routes
 * around trouble. Transitions are reported as they happen; statistics at an interval.
 */
public final class HealthReporter {
    private final GuardRegistry guards;
    private final WorkerMetrics metrics;
    private final Clock clock;
    private final String reporter;
    private final ConcurrentLinkedQueue<ProviderHealth> pending = new ConcurrentLinkedQueue<>();

    public HealthReporter(GuardRegistry guards, WorkerMetrics metrics, Clock clock, String reporter) {
        this.guards = guards;
        this.metrics = metrics;
        this.clock = clock;
        this.reporter = reporter;
        for (ModelGuard guard : guards.all()) {
            guard.onChange(this::changed);
        }
    }

    /** A breaker moved or a cooldown began. */
    public void changed(ModelGuard guard) {
        pending.add(snapshot(guard));
    }

    /** Statistics of every model that was called or is not healthy. */
    public void periodic() {
        for (ModelGuard guard : guards.all()) {
            GuardState state = guard.state();
            if (state.calls() > 0 || state.breaker() != CircuitBreaker.State.CLOSED) {
                pending.add(snapshot(guard));
            }
        }
    }

    public List<ProviderHealth> drain() {
        List<ProviderHealth> out = new ArrayList<>();
        for (ProviderHealth h; (h = pending.poll()) != null; ) {
            out.add(h);
        }
        return out;
    }

    public ProviderHealth snapshot(ModelGuard guard) {
        RollingStats stats = metrics.rolling(guard);
        GuardState guardState = guard.state();
        CircuitBreaker.State state = guardState.breaker();
        String reason = guardState.reason() != null ? guardState.reason()
                : state == CircuitBreaker.State.CLOSED ? null : "circuit breaker " + state.name().toLowerCase();
        return ProviderHealth.newBuilder()
                .setProvider(guard.provider())
                .setModel(guard.model())
                .setBreakerState(state(state))
                .setCooldownUntilMs(guardState.coolingDownUntilMs())
                .setSuccessRate(stats.successRate())
                .setP95LatencyMs(stats.p95LatencyMs())
                .setCalls(stats.calls())
                .setFailures(stats.failures())
                .setReason(reason)
                .setReporter(reporter)
                .setUpdatedAtMs(clock.millis())
                .setRateLimits(rateLimits(guard, clock.millis()))
                .build();
    }

    static List<RateLimitUse> rateLimits(ModelGuard guard, long nowMs) {
        return guard.rateLimits().stream().map(l -> RateLimitUse.newBuilder()
                .setLimit(l.id())
                .setConfiguredPerMinute(l.configuredPerMinute())
                .setGroupPerMinute(l.groupRatePerMinute())
                .setShare(l.share())
                .setPacePerMinute(l.ratePerMinute())
                .setUsedPerMinute(l.usedPerMinute(nowMs))
                .build()).toList();
    }

    static BreakerState state(CircuitBreaker.State state) {
        return switch (state) {
            case OPEN -> BreakerState.OPEN;
            case HALF_OPEN -> BreakerState.HALF_OPEN;
            case DISABLED -> BreakerState.DISABLED;
            case FORCED_OPEN -> BreakerState.FORCED_OPEN;
            default -> BreakerState.CLOSED;
        };
    }
}
