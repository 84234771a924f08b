package io.llmpipeline.worker.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.llmpipeline.catalog.GuardsConfig;
import io.llmpipeline.worker.testing.MutableClock;

class ModelGuardTest {
    private static final long SECOND = 1_000_000_000L;
    private final MutableClock clock = MutableClock.atEpochMs(1_000_000);

    private ModelGuard guard(GuardsConfig own) {
        GuardsConfig resolved = own.resolvedOver(null);
        return new ModelGuard("ollama", "llama", resolved, clock, new RetrySchedule(100, 2, 1_000, 0, () -> 0.5),
                List.of(), List.of(), List.of(), Runnable::run);
    }

    private static GuardsConfig breaker(int minimumCalls, int window, int failurePercent, long waitInOpenMs, long cooldownMs) {
        return new GuardsConfig(null, null, null, null, cooldownMs, failurePercent, null, null, minimumCalls, window, 2,
                waitInOpenMs, null, null, null, null);
    }

    @Test
    void shouldOpenAfterFiveFailuresOfFiveAndRecordTheCallsItTook() {
        ModelGuard g = guard(breaker(5, 10, 50, 10_000, 10_000));
        for (int i = 0; i < 5; i++) {
            assertThat(g.tryAcquireCall()).isTrue();
            g.failed(SECOND, new RuntimeException("503"));
        }
        assertThat(g.breaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(g.breakerOpenedAfterCalls()).isEqualTo(5);
        assertThat(g.tryAcquireCall()).isFalse();
        assertThat(g.availableAtMs()).isEqualTo(1_010_001);
    }

    @Test
    void shouldStayClosedWhenFailuresAreReleasedNotRecorded() {
        ModelGuard g = guard(breaker(5, 10, 50, 10_000, 10_000));
        for (int i = 0; i < 20; i++) {
            assertThat(g.tryAcquireCall()).isTrue();
            g.released(); // e.g. HTTP 400: the request's fault
        }
        assertThat(g.breaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(g.breakerOpenedAfterCalls()).isEqualTo(-1);
    }

    @Test
    void shouldGoHalfOpenAfterTheWaitAndCloseAfterTheTrialCallsSucceed() {
        ModelGuard g = guard(breaker(4, 4, 50, 5_000, 5_000));
        for (int i = 0; i < 4; i++) {
            g.tryAcquireCall();
            g.failed(SECOND, new RuntimeException("500"));
        }
        clock.advanceMs(5_000);
        assertThat(g.tryAcquireCall()).isFalse();
        assertThat(g.availableAtMs()).isEqualTo(1_005_001);
        clock.advanceMs(1);

        assertThat(g.tryAcquireCall()).isTrue();
        assertThat(g.breaker().getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(g.tryAcquireCall()).isTrue();
        assertThat(g.tryAcquireCall()).isFalse(); // two trial calls permitted
        g.succeeded(SECOND);
        g.succeeded(SECOND);
        assertThat(g.breaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void shouldOpenOnSlowCallsWhenEveryCallIsSlowerThanTheThreshold() {
        GuardsConfig slow = new GuardsConfig(null, null, null, null, null, 50, 100, 2_000L, 4, 4, 2, 5_000L,
                null, null, null, null);
        ModelGuard g = guard(slow);
        for (int i = 0; i < 4; i++) {
            g.tryAcquireCall();
            g.succeeded(3 * SECOND);
        }
        assertThat(g.breaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
    }

    @Test
    void shouldCoolDownWhenTheBreakerOpensAndReportTheChange() {
        ModelGuard g = guard(breaker(2, 2, 50, 1_000, 30_000));
        List<String> changes = new ArrayList<>();
        g.onChange(m -> changes.add(m.breaker().getState().name()));
        g.tryAcquireCall();
        g.failed(SECOND, new RuntimeException());
        g.tryAcquireCall();
        g.failed(SECOND, new RuntimeException());

        assertThat(changes).containsExactly("OPEN");
        assertThat(g.cooldown().untilMs()).isEqualTo(1_030_000);
        clock.advanceMs(1_001);
        // the breaker would let a trial call through, but the cooldown is longer
        assertThat(g.tryAcquireCall()).isFalse();
        assertThat(g.availableAtMs()).isEqualTo(1_030_000);
    }

    @Test
    void shouldHoldTheModelForRetryAfter() {
        ModelGuard g = guard(breaker(5, 10, 50, 10_000, 10_000));
        g.coolDown(Duration.ofSeconds(3), "Retry-After 3000 ms");

        assertThat(g.tryAcquireCall()).isFalse();
        assertThat(g.availableAtMs()).isEqualTo(1_003_000);
        clock.advanceMs(3_000);
        assertThat(g.tryAcquireCall()).isTrue();
    }

    @Test
    void shouldNotOpenOneModelsBreakerForAnotherModelsFailures() {
        ModelGuard ollama = guard(breaker(2, 2, 50, 10_000, 10_000));
        ModelGuard anthropic = new ModelGuard("anthropic", "claude", breaker(2, 2, 50, 10_000, 10_000).resolvedOver(null),
                clock, new RetrySchedule(100, 2, 1_000, 0, () -> 0.5), List.of(), List.of(), List.of(), Runnable::run);
        for (int i = 0; i < 10; i++) {
            ollama.tryAcquireCall();
            ollama.failed(SECOND, new RuntimeException("connection refused"));
        }
        assertThat(ollama.breaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(anthropic.breaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(anthropic.tryAcquireCall()).isTrue();
    }

    @Test
    void shouldReserveNothingForACallThatCouldNotStartBeforeItsDeadline() {
        SlidingWindowLimiter rpm = new SlidingWindowLimiter(2, 60_000, clock);
        ModelGuard g = new ModelGuard("openai", "gpt", GuardsConfig.defaults().resolvedOver(null), clock,
                new RetrySchedule(100, 2, 1_000, 0, () -> 0.5), List.of(rpm), List.of(), List.of(), Runnable::run);
        assertThat(g.reserve(10, 1_100_000)).isEqualTo(1_000_000);
        assertThat(g.reserve(10, 1_100_000)).isEqualTo(1_000_000);

        assertThat(g.reserve(10, 1_030_000)).as("next room at 1_060_000, after the deadline").isEqualTo(-1);
        assertThat(g.reserve(10, 1_100_000)).as("the refused call took no room").isEqualTo(1_060_000);
    }

    @Test
    void shouldHoldNewCallsAfterARunOfFailuresUntilASuccessOrTheBreakerOpens() {
        // minimumCalls 20: 20 trial calls, suspect after 5 consecutive failures
        ModelGuard g = guard(breaker(20, 100, 50, 10_000, 10_000));
        List<String> sent = new ArrayList<>();
        g.acquireBulkheads(() -> sent.add("warm"));
        g.tryAcquireCall();
        g.succeeded(SECOND);
        g.releaseBulkheads();
        for (int i = 0; i < 30; i++) {
            int n = i;
            g.acquireBulkheads(() -> sent.add("in-flight-" + n));
        }
        assertThat(sent).hasSize(31);

        for (int i = 0; i < 5; i++) {
            g.tryAcquireCall();
            g.failed(SECOND, new RuntimeException("503"));
            g.releaseBulkheads();
        }
        g.acquireBulkheads(() -> sent.add("held"));

        assertThat(sent).as("25 still in flight, above the 20 trial calls").hasSize(31);
        g.tryAcquireCall();
        g.succeeded(SECOND);
        assertThat(sent).last().isEqualTo("held");
    }
}
