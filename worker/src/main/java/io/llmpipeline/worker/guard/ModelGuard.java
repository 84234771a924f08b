package io.llmpipeline.worker.guard;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.llmpipeline.catalog.GuardsConfig;

/**
 * Every guard in front of one model: its own circuit breaker, cooldown and retry schedule, plus
 * the rate limiters and bulkheads it shares with the other models of its provider (and its own,
 * when the model sets any). One model's failures never touch another model's breaker.
 */
public final class ModelGuard {
    private final String provider;
    private final String model;
    private final GuardsConfig config;
    private final Clock clock;
    private final CircuitBreaker breaker;
    private final Cooldown cooldown;
    private final RetrySchedule retry;
    private final List<SlidingWindowLimiter> requestLimiters;
    private final List<SlidingWindowLimiter> tokenLimiters;
    private final List<AsyncBulkhead> bulkheads;
    private final TrialGate trial;
    private final AtomicLong calls = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger consecutiveFaults = new java.util.concurrent.atomic.AtomicInteger();
    private final int suspectAfter;
    private volatile long openedAtMs;
    private volatile long breakerOpenedAfterCalls = -1;
    private volatile Consumer<ModelGuard> onChange = g -> { };

    public ModelGuard(String provider, String model, GuardsConfig resolved, Clock clock, RetrySchedule retry,
                      List<SlidingWindowLimiter> requestLimiters, List<SlidingWindowLimiter> tokenLimiters,
                      List<AsyncBulkhead> bulkheads, java.util.concurrent.Executor handoff) {
        this.provider = provider;
        this.model = model;
        this.config = resolved;
        this.clock = clock;
        this.retry = retry;
        this.requestLimiters = List.copyOf(requestLimiters);
        this.tokenLimiters = List.copyOf(tokenLimiters);
        this.bulkheads = List.copyOf(bulkheads);
        this.cooldown = new Cooldown(clock);
        this.trial = new TrialGate(resolved.minimumCalls(), handoff);
        this.suspectAfter = Math.max(3, resolved.minimumCalls() / 4);
        this.breaker = CircuitBreaker.of(provider + "/" + model, breakerConfig(resolved, clock));
        breaker.getEventPublisher().onStateTransition(event -> {
            if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                openedAtMs = clock.millis();
                trial.unproven();
                if (breakerOpenedAfterCalls < 0) {
                    breakerOpenedAfterCalls = calls.get();
                }
                cooldown.start(Duration.ofMillis(config.cooldownMs()), "circuit breaker opened");
            }
            onChange.accept(this);
        });
    }

    static CircuitBreakerConfig breakerConfig(GuardsConfig g, Clock clock) {
        return CircuitBreakerConfig.custom()
                .failureRateThreshold(g.failureRateThreshold())
                .slowCallRateThreshold(g.slowCallRateThreshold())
                .slowCallDurationThreshold(Duration.ofMillis(g.slowCallDurationMs()))
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(g.slidingWindow())
                .minimumNumberOfCalls(Math.min(g.minimumCalls(), g.slidingWindow()))
                .permittedNumberOfCallsInHalfOpenState(g.permittedCallsInHalfOpen())
                .waitDurationInOpenState(Duration.ofMillis(g.waitInOpenMs()))
                .recordException(e -> true)
                .clock(clock)
                .build();
    }

    /** Called on breaker transitions and cooldowns, for provider health. */
    public void onChange(Consumer<ModelGuard> listener) {
        this.onChange = listener;
    }

    /**
     * The epoch ms from which this model may be tried: now when it may be tried now; later while
     * it cools down or its breaker is open.
     */
    public long availableAtMs() {
        long now = clock.millis();
        long at = Math.max(now, cooldown.untilMs());
        CircuitBreaker.State state = breaker.getState();
        if (state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN) {
            at = Math.max(at, openedAtMs + config.waitInOpenMs() + 1); // resilience4j waits strictly longer
        }
        // half-open with its trial permits taken: tryAcquireCall() says no and the caller looks again shortly
        return at;
    }

    /** Asks the breaker for a call; every granted permit ends in {@link #succeeded}, {@link #failed} or {@link #released}. */
    public boolean tryAcquireCall() {
        if (cooldown.active()) {
            return false;
        }
        boolean permitted = breaker.tryAcquirePermission();
        if (permitted) {
            calls.incrementAndGet();
        }
        return permitted;
    }

    public void succeeded(long durationNanos) {
        consecutiveFaults.set(0);
        trial.proven();
        breaker.onSuccess(durationNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    public void failed(long durationNanos, Throwable fault) {
        if (consecutiveFaults.incrementAndGet() == suspectAfter) {
            // a provider that just went down: stop sending more than trial calls before the breaker can judge
            trial.suspect();
        }
        breaker.onError(durationNanos, java.util.concurrent.TimeUnit.NANOSECONDS, fault);
    }

    /** The call ended in a way that says nothing about the provider's health. */
    public void released() {
        breaker.releasePermission();
    }

    public void coolDown(Duration duration, String reason) {
        if (cooldown.start(duration, reason)) {
            onChange.accept(this);
        }
    }

    /**
     * Reserves rate-limit room and returns the epoch ms at which the call may start, or -1 (and
     * nothing reserved) when that would be at or after {@code deadlineMs}.
     */
    public long reserve(int tokens, long deadlineMs) {
        long at = clock.millis();
        for (SlidingWindowLimiter l : requestLimiters) {
            at = Math.max(at, l.earliest(1));
        }
        for (SlidingWindowLimiter l : tokenLimiters) {
            at = Math.max(at, l.earliest(tokens));
        }
        if (at >= deadlineMs) {
            return -1;
        }
        // every limiter reserves the same start, the latest any of them can give
        for (SlidingWindowLimiter l : requestLimiters) {
            at = Math.max(at, l.reserveAt(1, at));
        }
        for (SlidingWindowLimiter l : tokenLimiters) {
            at = Math.max(at, l.reserveAt(tokens, at));
        }
        return at;
    }

    /** Runs {@code onPermits} once the trial gate and every bulkhead gave a permit; it must {@link #releaseBulkheads()}. */
    public void acquireBulkheads(Runnable onPermits) {
        trial.acquire(() -> acquire(0, onPermits));
    }

    private void acquire(int i, Runnable onPermits) {
        if (i == bulkheads.size()) {
            onPermits.run();
        } else {
            bulkheads.get(i).acquire(() -> acquire(i + 1, onPermits));
        }
    }

    public void releaseBulkheads() {
        for (int i = bulkheads.size() - 1; i >= 0; i--) {
            bulkheads.get(i).release();
        }
        trial.release();
    }

    public TrialGate trial() {
        return trial;
    }

    public String provider() {
        return provider;
    }

    public String model() {
        return model;
    }

    public String key() {
        return provider + "/" + model;
    }

    public GuardsConfig config() {
        return config;
    }

    public RetrySchedule retry() {
        return retry;
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    public Cooldown cooldown() {
        return cooldown;
    }

    public long calls() {
        return calls.get();
    }

    /** Calls made when the breaker first opened; -1 while it never has. */
    public long breakerOpenedAfterCalls() {
        return breakerOpenedAfterCalls;
    }
}
