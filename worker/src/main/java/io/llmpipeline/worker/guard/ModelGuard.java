package io.llmpipeline.worker.guard;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.llmpipeline.catalog.GuardsConfig;
import io.llmpipeline.catalog.ModelKey;
import io.llmpipeline.schemas.ErrorKind;

/**
 * Every guard in front of one model: its own circuit breaker, cooldown, trial gate and retry
 * schedule, plus the rate limiters and bulkheads it shares with the other models of its provider
 * (and its own, when the model sets any). One model's failures never touch another model's
 * breaker. Callers speak in intents (reserve rate-limit room, wait for a call slot, start a call,
 * report how it ended); the parts stay inside.
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
    private final AtomicInteger consecutiveFaults = new AtomicInteger();
    private final int suspectAfter;
    private volatile long openedAtMs;
    private volatile long breakerOpenedAfterCalls = -1;
    private volatile Consumer<ModelGuard> onChange = g -> { };

    public ModelGuard(String provider, String model, GuardsConfig resolved, Clock clock, RetrySchedule retry,
                      List<SlidingWindowLimiter> requestLimiters, List<SlidingWindowLimiter> tokenLimiters,
                      List<AsyncBulkhead> bulkheads, Executor handoff) {
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
        this.breaker = CircuitBreaker.of(key(), breakerConfig(resolved, clock));
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
        // half-open with its trial permits taken: tryStartCall() says no and the caller looks again shortly
        return at;
    }

    /**
     * Reserves rate-limit room for a call weighing {@code tokens} and returns the epoch ms at which
     * it may start, or -1 (and nothing reserved) when that would be at or after {@code deadlineMs}.
     */
    public long reserveRateLimit(int tokens, long deadlineMs) {
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

    /**
     * Runs {@code onSlot} once the trial gate and every bulkhead gave a permit (now, or later
     * without holding a thread); the slot is given back with {@link #releaseCallSlot()}.
     */
    public void awaitCallSlot(Runnable onSlot) {
        trial.acquire(() -> acquire(0, onSlot));
    }

    private void acquire(int i, Runnable onSlot) {
        if (i == bulkheads.size()) {
            onSlot.run();
        } else {
            bulkheads.get(i).acquire(() -> acquire(i + 1, onSlot));
        }
    }

    public void releaseCallSlot() {
        for (int i = bulkheads.size() - 1; i >= 0; i--) {
            bulkheads.get(i).release();
        }
        trial.release();
    }

    /**
     * Asks the breaker (and the cooldown) for a call; every call started ends in
     * {@link #callSucceeded}, {@link #callFailed} or {@link #callSaidNothing}.
     */
    public boolean tryStartCall() {
        if (cooldown.active()) {
            return false;
        }
        boolean permitted = breaker.tryAcquirePermission();
        if (permitted) {
            calls.incrementAndGet();
        }
        return permitted;
    }

    public void callSucceeded(long durationNanos) {
        consecutiveFaults.set(0);
        trial.proven();
        breaker.onSuccess(durationNanos, TimeUnit.NANOSECONDS);
    }

    /** A call failed; it counts against the breaker only when the policy says it was the provider's fault. */
    public void callFailed(long durationNanos, FailurePolicy.Verdict verdict, ErrorKind kind, Integer status) {
        if (!verdict.countsAgainstBreaker()) {
            callSaidNothing();
            return;
        }
        if (consecutiveFaults.incrementAndGet() == suspectAfter) {
            // a provider that just went down: stop sending more than trial calls before the breaker can judge
            trial.suspect();
        }
        breaker.onError(durationNanos, TimeUnit.NANOSECONDS, new ProviderFault(kind, status));
    }

    /** The call ended (or never went out) in a way that says nothing about the provider's health. */
    public void callSaidNothing() {
        breaker.releasePermission();
    }

    /** The provider asked for a pause (Retry-After): no call until it is over. */
    public void holdFor(Duration retryAfter) {
        coolDown(retryAfter, "Retry-After " + retryAfter.toMillis() + " ms");
    }

    /** The model failed in a way that makes it useless for a while: skip it for its configured cooldown. */
    public void coolDown(String reason) {
        coolDown(Duration.ofMillis(config.cooldownMs()), reason);
    }

    void coolDown(Duration duration, String reason) {
        if (cooldown.start(duration, reason)) {
            onChange.accept(this);
        }
    }

    /** How long to wait before retry {@code n} (1 for the first), never less than {@code floor} when given. */
    public Duration backoff(int n, Duration floor) {
        return retry.delay(n, floor);
    }

    public int maxAttempts() {
        return config.maxAttempts();
    }

    /** Why this model is not taking calls now, in words for an error message. */
    public String unavailability() {
        return cooldown.active() ? "cooling down (" + cooldown.reason() + ")"
                : "breaker " + breaker.getState().name().toLowerCase();
    }

    /** What provider health and the worker's statistics report about this model. */
    public GuardState state() {
        boolean cooling = cooldown.active();
        return new GuardState(breaker.getState(), cooling ? cooldown.untilMs() : null, cooling ? cooldown.reason() : null,
                calls.get(), breakerOpenedAfterCalls);
    }

    public CircuitBreaker.State breakerState() {
        return breaker.getState();
    }

    public String provider() {
        return provider;
    }

    public String model() {
        return model;
    }

    public String key() {
        return ModelKey.of(provider, model);
    }

    TrialGate trial() {
        return trial;
    }

    Cooldown cooldown() {
        return cooldown;
    }

    /** What a breaker records as the failure of a call. Cheap: no stack trace. */
    static final class ProviderFault extends RuntimeException {
        ProviderFault(ErrorKind kind, Integer status) {
            super(kind + (status == null ? "" : " (HTTP " + status + ")"), null, false, false);
        }
    }
}
