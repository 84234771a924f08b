package io.llmpipeline.worker.guard;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
    /** How far ahead rate-limit room is reserved: the longest a share change can be outrun by promises. */
    static final long RESERVE_AHEAD_MS = 1_000;
    /** How soon a call that found no share asks again (a joining member gets its share within seconds). */
    static final long NO_SHARE_RECHECK_MS = 250;

    private final String provider;
    private final String model;
    private final GuardsConfig config;
    private final Clock clock;
    private final CircuitBreaker breaker;
    private final Cooldown cooldown;
    private final RetrySchedule retry;
    private final List<SharedRateLimit> requestLimits;
    private final List<SharedRateLimit> tokenLimits;
    private final List<AsyncBulkhead> bulkheads;
    private final TrialGate trial;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicInteger consecutiveFaults = new AtomicInteger();
    private final int suspectAfter;
    private volatile long openedAtMs;
    private volatile long breakerOpenedAfterCalls = -1;
    private volatile Consumer<ModelGuard> onChange = g -> { };
    private volatile LimitLearner learner = LimitLearner.NONE;

    public ModelGuard(String provider, String model, GuardsConfig resolved, Clock clock, RetrySchedule retry,
                      List<SharedRateLimit> requestLimits, List<SharedRateLimit> tokenLimits,
                      List<AsyncBulkhead> bulkheads, Executor handoff) {
        this.provider = provider;
        this.model = model;
        this.config = resolved;
        this.clock = clock;
        this.retry = retry;
        this.requestLimits = new CopyOnWriteArrayList<>(requestLimits);
        this.tokenLimits = new CopyOnWriteArrayList<>(tokenLimits);
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
     * The epoch ms from which this model may be tried: a moment already past when it may be tried
     * now; later while it cools down or its breaker is open. It does not read the clock itself: a
     * caller compares it with the "now" it took, and a clock that ticked in between must not make
     * an available model look closed (a request then waited out another model's 30 s breaker).
     */
    public long availableAtMs() {
        long at = cooldown.untilMs();
        CircuitBreaker.State state = breaker.getState();
        if (state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN) {
            at = Math.max(at, openedAtMs + config.waitInOpenMs() + 1); // resilience4j waits strictly longer
        }
        // half-open with its trial permits taken: tryStartCall() says no and the caller looks again shortly
        return at;
    }

    /**
     * Reserves rate-limit room for a call weighing {@code tokens}: granted with the moment it may
     * start when that is within {@link #RESERVE_AHEAD_MS}; otherwise nothing is reserved and the
     * call asks again later (a share may shrink meanwhile, and a worker never promises room it may
     * no longer hold), or gives up when even the current pace would start it after its deadline.
     */
    public RateRoom reserveRateLimit(int tokens, long deadlineMs) {
        long now = clock.millis();
        long wait = 0;
        for (SharedRateLimit l : requestLimits) {
            wait = Math.max(wait, l.waitMs(1, now));
        }
        for (SharedRateLimit l : tokenLimits) {
            wait = Math.max(wait, l.waitMs(tokens, now));
        }
        if (wait == Long.MAX_VALUE) {
            return new RateRoom.LookAgain(now + NO_SHARE_RECHECK_MS); // no share yet (joining) or none left
        }
        long at = now + wait;
        if (at >= deadlineMs) {
            return new RateRoom.TooLate();
        }
        if (wait > RESERVE_AHEAD_MS) {
            return new RateRoom.LookAgain(at - RESERVE_AHEAD_MS);
        }
        for (SharedRateLimit l : requestLimits) {
            l.take(1, now);
        }
        for (SharedRateLimit l : tokenLimits) {
            l.take(tokens, now);
        }
        return new RateRoom.Granted(at);
    }

    /** A call that reserved {@code reserved} tokens used {@code used} (prompt plus answer; 0 when it was not billed). */
    public void tokensUsed(int reserved, int used) {
        long now = clock.millis();
        for (SharedRateLimit l : tokenLimits) {
            l.correct(reserved, used, now);
        }
    }

    /**
     * The provider answered: the limits it announced cap the rates of this model's most specific
     * limits (its own when it has any, else its provider's), and a call it took lets them climb.
     */
    public void providerAnswered(ProviderLimits limits, boolean accepted) {
        long now = clock.millis();
        learnUnsetLimits(limits);
        SharedRateLimit requests = mostSpecific(requestLimits);
        SharedRateLimit tokens = mostSpecific(tokenLimits);
        if (requests != null) {
            if (limits.requests() != null) {
                requests.onProviderLimit(limits.requests().limit(), now);
            }
            if (accepted) {
                requests.onAccepted(now);
            }
        }
        if (tokens != null) {
            if (limits.tokens() != null) {
                tokens.onProviderLimit(limits.tokens().limit(), now);
            }
            if (accepted) {
                tokens.onAccepted(now);
            }
        }
    }

    /** A limit the provider announces where the catalog sets none becomes one, for every model of the provider. */
    private void learnUnsetLimits(ProviderLimits limits) {
        if (requestLimits.isEmpty() && limits.requests() != null && limits.requests().limit() > 0) {
            learner.learn(provider, LimitLearner.Kind.REQUESTS, limits.requests().limit());
        }
        if (tokenLimits.isEmpty() && limits.tokens() != null && limits.tokens().limit() > 0) {
            learner.learn(provider, LimitLearner.Kind.TOKENS, limits.tokens().limit());
        }
    }

    /** Where limits the provider announces and the catalog does not set are made. */
    public void learnLimitsWith(LimitLearner learner) {
        this.learner = learner;
    }

    /** A provider-wide limit learnt after start: it comes before the model's own, which stay the most specific. */
    void adopt(LimitLearner.Kind kind, SharedRateLimit limit) {
        List<SharedRateLimit> into = kind == LimitLearner.Kind.REQUESTS ? requestLimits : tokenLimits;
        synchronized (into) {
            if (!into.contains(limit)) {
                into.add(0, limit);
            }
        }
    }

    /**
     * The provider refused a call with a 429. Unless its headers show room left under every
     * limit (load shedding: the call is retried, the pace stays), the limit it ran out of, or
     * every limit when it did not say, slows down.
     */
    public void providerThrottled(ProviderLimits limits) {
        if (limits.saysRoomLeft()) {
            return;
        }
        long now = clock.millis();
        boolean byRequests = limits.requests() == null || limits.requests().remaining() <= 0;
        boolean byTokens = limits.tokens() == null || limits.tokens().remaining() <= 0;
        SharedRateLimit requests = mostSpecific(requestLimits);
        SharedRateLimit tokens = mostSpecific(tokenLimits);
        if (requests != null && byRequests) {
            requests.onThrottled(now);
        }
        if (tokens != null && byTokens) {
            tokens.onThrottled(now);
        }
    }

    private static SharedRateLimit mostSpecific(List<SharedRateLimit> limits) {
        return limits.isEmpty() ? null : limits.getLast(); // the registry lists the provider's first, the model's last
    }

    /** This model's limits, for metrics. */
    public List<SharedRateLimit> rateLimits() {
        List<SharedRateLimit> all = new java.util.ArrayList<>(requestLimits);
        all.addAll(tokenLimits);
        return all;
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

    /**
     * No call to this model until {@code retryAfter} is over: the provider is overloaded or failing
     * (503 with Retry-After), or said the whole account is exhausted. An ordinary 429's Retry-After
     * delays only its own request.
     */
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
