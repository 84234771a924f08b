package io.llmpipeline.worker.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.llmpipeline.catalog.GuardsConfig;
import io.llmpipeline.schemas.ErrorKind;
import io.llmpipeline.testsupport.MutableClock;

class ModelGuardTest {
    private static final long SECOND = 1_000_000_000L;
    private static final FailurePolicy.Verdict PROVIDER_FAULT = FailurePolicy.judge(ErrorKind.PROVIDER_ERROR, 503, false);
    private final MutableClock clock = MutableClock.atEpochMs(1_000_000);

    private ModelGuard guard(GuardsConfig own) {
        GuardsConfig resolved = own.resolvedOver(null);
        return new ModelGuard("ollama", "llama", resolved, clock, new RetrySchedule(100, 2, 1_000, 0, () -> 0.5),
                List.of(), List.of(), List.of(), Runnable::run);
    }

    private static GuardsConfig breaker(int minimumCalls, int window, int failurePercent, long waitInOpenMs, long cooldownMs) {
        return GuardsConfig.builder().cooldownMs(cooldownMs).failureRateThreshold(failurePercent).minimumCalls(minimumCalls)
                .slidingWindow(window).permittedCallsInHalfOpen(2).waitInOpenMs(waitInOpenMs).build();
    }

    @Test
    void shouldSayAnAvailableModelIsAvailableAtANowTakenBeforeTheClockTicked() {
        ModelGuard g = guard(breaker(5, 10, 50, 30_000, 30_000));
        long now = clock.millis();
        clock.advance(Duration.ofMillis(1)); // the caller's "now" is a tick old when it asks

        // a fallback that looked closed for this reason sent a request to wait out the primary's 30 s breaker
        assertThat(g.availableAtMs()).isLessThanOrEqualTo(now);
    }

    @Test
    void shouldOpenAfterFiveFailuresOfFiveAndRecordTheCallsItTook() {
        ModelGuard g = guard(breaker(5, 10, 50, 10_000, 10_000));
        for (int i = 0; i < 5; i++) {
            assertThat(g.tryStartCall()).isTrue();
            g.callFailed(SECOND, PROVIDER_FAULT, ErrorKind.PROVIDER_ERROR, 503);
        }
        assertThat(g.breakerState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(g.state().breakerOpenedAfterCalls()).isEqualTo(5);
        assertThat(g.tryStartCall()).isFalse();
        assertThat(g.availableAtMs()).isEqualTo(1_010_001);
    }

    @Test
    void shouldStayClosedWhenFailuresAreReleasedNotRecorded() {
        ModelGuard g = guard(breaker(5, 10, 50, 10_000, 10_000));
        for (int i = 0; i < 20; i++) {
            assertThat(g.tryStartCall()).isTrue();
            g.callFailed(SECOND, FailurePolicy.judge(ErrorKind.INVALID_REQUEST, 400, false), ErrorKind.INVALID_REQUEST, 400);
        }
        assertThat(g.breakerState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(g.state().breakerOpenedAfterCalls()).isEqualTo(-1);
    }

    @Test
    void shouldGoHalfOpenAfterTheWaitAndCloseAfterTheTrialCallsSucceed() {
        ModelGuard g = guard(breaker(4, 4, 50, 5_000, 5_000));
        for (int i = 0; i < 4; i++) {
            g.tryStartCall();
            g.callFailed(SECOND, PROVIDER_FAULT, ErrorKind.PROVIDER_ERROR, 503);
        }
        clock.advanceMs(5_000);
        assertThat(g.tryStartCall()).isFalse();
        assertThat(g.availableAtMs()).isEqualTo(1_005_001);
        clock.advanceMs(1);

        assertThat(g.tryStartCall()).isTrue();
        assertThat(g.breakerState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(g.tryStartCall()).isTrue();
        assertThat(g.tryStartCall()).isFalse(); // two trial calls permitted
        g.callSucceeded(SECOND);
        g.callSucceeded(SECOND);
        assertThat(g.breakerState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void shouldOpenOnSlowCallsWhenEveryCallIsSlowerThanTheThreshold() {
        GuardsConfig slow = GuardsConfig.builder().failureRateThreshold(50).slowCallRateThreshold(100)
                .slowCallDurationMs(2_000L).minimumCalls(4).slidingWindow(4).permittedCallsInHalfOpen(2).waitInOpenMs(5_000L)
                .build();
        ModelGuard g = guard(slow);
        for (int i = 0; i < 4; i++) {
            g.tryStartCall();
            g.callSucceeded(3 * SECOND);
        }
        assertThat(g.breakerState()).isEqualTo(CircuitBreaker.State.OPEN);
    }

    @Test
    void shouldCoolDownWhenTheBreakerOpensAndReportTheChange() {
        ModelGuard g = guard(breaker(2, 2, 50, 1_000, 30_000));
        List<String> changes = new ArrayList<>();
        g.onChange(m -> changes.add(m.breakerState().name()));
        g.tryStartCall();
        g.callFailed(SECOND, PROVIDER_FAULT, ErrorKind.PROVIDER_ERROR, 503);
        g.tryStartCall();
        g.callFailed(SECOND, PROVIDER_FAULT, ErrorKind.PROVIDER_ERROR, 503);

        assertThat(changes).containsExactly("OPEN");
        assertThat(g.cooldown().untilMs()).isEqualTo(1_030_000);
        clock.advanceMs(1_001);
        // the breaker would let a trial call through, but the cooldown is longer
        assertThat(g.tryStartCall()).isFalse();
        assertThat(g.availableAtMs()).isEqualTo(1_030_000);
    }

    @Test
    void shouldHoldTheModelForRetryAfter() {
        ModelGuard g = guard(breaker(5, 10, 50, 10_000, 10_000));
        g.holdFor(Duration.ofSeconds(3));

        assertThat(g.tryStartCall()).isFalse();
        assertThat(g.availableAtMs()).isEqualTo(1_003_000);
        clock.advanceMs(3_000);
        assertThat(g.tryStartCall()).isTrue();
    }

    @Test
    void shouldNotOpenOneModelsBreakerForAnotherModelsFailures() {
        ModelGuard ollama = guard(breaker(2, 2, 50, 10_000, 10_000));
        ModelGuard anthropic = new ModelGuard("anthropic", "claude", breaker(2, 2, 50, 10_000, 10_000).resolvedOver(null),
                clock, new RetrySchedule(100, 2, 1_000, 0, () -> 0.5), List.of(), List.of(), List.of(), Runnable::run);
        for (int i = 0; i < 10; i++) {
            ollama.tryStartCall();
            ollama.callFailed(SECOND, PROVIDER_FAULT, ErrorKind.PROVIDER_ERROR, 503);
        }
        assertThat(ollama.breakerState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(anthropic.breakerState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(anthropic.tryStartCall()).isTrue();
    }

    private ModelGuard limited(SharedRateLimit rpm) {
        return new ModelGuard("openai", "gpt", GuardsConfig.defaults().resolvedOver(null), clock,
                new RetrySchedule(100, 2, 1_000, 0, () -> 0.5), List.of(rpm), List.of(), List.of(), Runnable::run);
    }

    @Test
    void shouldReserveNothingForACallThatCouldNotStartBeforeItsDeadline() {
        // 124 a minute less the 60/62 margin: one call every 500 ms, the bucket starting empty
        ModelGuard g = limited(new SharedRateLimit("requests:openai", 124, 1, LimitShares.WHOLE, clock.millis()));

        assertThat(g.reserveRateLimit(10, 1_000_500)).as("first room at 1_000_500, not before the deadline")
                .isEqualTo(new RateRoom.TooLate());
        assertThat(g.reserveRateLimit(10, 1_100_000)).as("the refused call took no room")
                .isEqualTo(new RateRoom.Granted(1_000_500));
        assertThat(g.reserveRateLimit(10, 1_100_000)).as("queued behind it").isEqualTo(new RateRoom.Granted(1_001_000));
        assertThat(g.reserveRateLimit(10, 1_100_000)).as("too far ahead to promise")
                .isEqualTo(new RateRoom.LookAgain(1_000_500));
        clock.advanceMs(500);
        assertThat(g.reserveRateLimit(10, 1_100_000)).isEqualTo(new RateRoom.Granted(1_001_500));
    }

    @Test
    void shouldPaceAtThisWorkersShareOfTheLimitAndWaitWhileItHasNone() {
        double[] share = {0};
        ModelGuard g = limited(new SharedRateLimit("requests:openai", 124, 1, limit -> share[0], clock.millis()));

        assertThat(g.reserveRateLimit(10, 1_100_000)).as("no share yet: look again shortly, reserve nothing")
                .isEqualTo(new RateRoom.LookAgain(1_000_250));
        share[0] = 0.5; // two workers: 60 a minute after the margin, one call a second
        clock.advanceMs(250);
        assertThat(g.reserveRateLimit(10, 1_100_000)).isEqualTo(new RateRoom.Granted(1_001_250));
        assertThat(g.reserveRateLimit(10, 1_100_000)).isEqualTo(new RateRoom.LookAgain(1_001_250));
    }

    @Test
    void shouldTakeTheProvidersLowerLimitAndSlowDownOnlyOnA429ThatFoundNoRoom() {
        SharedRateLimit rpm = new SharedRateLimit("requests:openai", 2_400, 1, LimitShares.WHOLE, clock.millis());
        ModelGuard g = limited(rpm);
        ProviderLimits.Window room = new ProviderLimits.Window(1_200, 7, 3_000);
        ProviderLimits.Window none = new ProviderLimits.Window(1_200, 0, 3_000);

        g.providerAnswered(new ProviderLimits(room, null, false), true);
        assertThat(rpm.groupRatePerMinute()).as("the catalog says 2,400, the provider 1,200").isEqualTo(1_200);

        g.providerThrottled(new ProviderLimits(room, null, false));
        assertThat(rpm.groupRatePerMinute()).as("a 429 while the provider counts room left is load shedding")
                .isEqualTo(1_200);

        g.providerThrottled(new ProviderLimits(none, null, false));
        assertThat(rpm.groupRatePerMinute()).isEqualTo(840);
        clock.advanceMs(1_000);
        g.providerThrottled(new ProviderLimits(none, null, false));
        assertThat(rpm.groupRatePerMinute()).as("one burst of refusals counts once").isEqualTo(840);

        clock.advanceMs(60_000);
        g.providerAnswered(new ProviderLimits(room, null, false), true);
        assertThat(rpm.groupRatePerMinute()).as("climbs back, never above the announced limit").isEqualTo(1_200);
    }

    @Test
    void shouldGiveBackTheTokensACallDidNotUse() {
        SharedRateLimit tpm = new SharedRateLimit("tokens:openai", 62_000, 1_000, LimitShares.WHOLE, clock.millis());
        ModelGuard g = new ModelGuard("openai", "gpt", GuardsConfig.defaults().resolvedOver(null), clock,
                new RetrySchedule(100, 2, 1_000, 0, () -> 0.5), List.of(), List.of(tpm), List.of(), Runnable::run);
        // 1,000 tokens a second, the bucket starting empty
        assertThat(g.reserveRateLimit(1_000, 2_000_000)).as("the estimate taken whole").isEqualTo(new RateRoom.Granted(1_001_000));
        g.tokensUsed(1_000, 200);

        assertThat(g.reserveRateLimit(500, 2_000_000)).as("800 given back: 200 owed, 500 more in 700 ms")
                .isEqualTo(new RateRoom.Granted(1_000_700));
    }

    @Test
    void shouldHoldNewCallsAfterARunOfFailuresUntilASuccessOrTheBreakerOpens() {
        // minimumCalls 20: 20 trial calls, suspect after 5 consecutive failures
        ModelGuard g = guard(breaker(20, 100, 50, 10_000, 10_000));
        List<String> sent = new ArrayList<>();
        g.awaitCallSlot(() -> sent.add("warm"));
        g.tryStartCall();
        g.callSucceeded(SECOND);
        g.releaseCallSlot();
        for (int i = 0; i < 30; i++) {
            int n = i;
            g.awaitCallSlot(() -> sent.add("in-flight-" + n));
        }
        assertThat(sent).hasSize(31);

        for (int i = 0; i < 5; i++) {
            g.tryStartCall();
            g.callFailed(SECOND, PROVIDER_FAULT, ErrorKind.PROVIDER_ERROR, 503);
            g.releaseCallSlot();
        }
        g.awaitCallSlot(() -> sent.add("held"));

        assertThat(sent).as("25 still in flight, above the 20 trial calls").hasSize(31);
        g.tryStartCall();
        g.callSucceeded(SECOND);
        assertThat(sent).last().isEqualTo("held");
    }
}
