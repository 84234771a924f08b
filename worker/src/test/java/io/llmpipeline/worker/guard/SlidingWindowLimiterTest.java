package io.llmpipeline.worker.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.llmpipeline.testsupport.MutableClock;

class SlidingWindowLimiterTest {
    private final MutableClock clock = MutableClock.atEpochMs(1_000_000);

    @Test
    void shouldGrantTheLimitAtOnceAndScheduleTheNextWhenTheFirstLeavesTheWindow() {
        SlidingWindowLimiter limiter = new SlidingWindowLimiter(3, 60_000, clock);

        assertThat(limiter.reserve(1)).isEqualTo(1_000_000);
        clock.advanceMs(10_000);
        assertThat(limiter.reserve(1)).isEqualTo(1_010_000);
        assertThat(limiter.reserve(1)).isEqualTo(1_010_000);
        assertThat(limiter.reserve(1)).isEqualTo(1_060_000);
        assertThat(limiter.reserve(1)).isEqualTo(1_070_000);
    }

    @Test
    void shouldNeverGrantMoreThanTheLimitInAnySlidingWindow() {
        SlidingWindowLimiter limiter = new SlidingWindowLimiter(100, 60_000, clock);
        List<Long> grants = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            grants.add(limiter.reserve(1));
            clock.advanceMs(37);
        }
        for (long start : grants) {
            long inWindow = grants.stream().filter(t -> t >= start && t < start + 60_000).count();
            assertThat(inWindow).isLessThanOrEqualTo(100);
        }
    }

    @Test
    void shouldWeighTokensAndLetAHeavierCallWaitForRoom() {
        SlidingWindowLimiter tpm = new SlidingWindowLimiter(10_000, 60_000, clock);

        assertThat(tpm.reserve(6_000)).isEqualTo(1_000_000);
        clock.advanceMs(1_000);
        assertThat(tpm.reserve(3_000)).isEqualTo(1_001_000);
        assertThat(tpm.reserve(2_000)).isEqualTo(1_060_000);
    }

    @Test
    void shouldLetACallHeavierThanTheWholeLimitThroughAlone() {
        SlidingWindowLimiter tpm = new SlidingWindowLimiter(1_000, 60_000, clock);

        assertThat(tpm.reserve(5_000)).isEqualTo(1_000_000);
        assertThat(tpm.reserve(1)).isEqualTo(1_060_000);
    }

    @Test
    void shouldTellTheEarliestStartWithoutReservingIt() {
        SlidingWindowLimiter limiter = new SlidingWindowLimiter(2, 60_000, clock);
        limiter.reserve(1);
        limiter.reserve(1);

        assertThat(limiter.earliest(1)).isEqualTo(1_060_000);
        assertThat(limiter.earliest(1)).isEqualTo(1_060_000);
        clock.advanceMs(60_000);
        assertThat(limiter.reserve(1)).isEqualTo(1_060_000);
        assertThat(limiter.reserve(1)).isEqualTo(1_060_000);
        assertThat(limiter.reserve(1)).isEqualTo(1_120_000);
    }

    @Test
    void shouldReserveNoEarlierThanAskedWhenAnotherLimiterGrantsLater() {
        SlidingWindowLimiter limiter = new SlidingWindowLimiter(5, 60_000, clock);

        assertThat(limiter.reserveAt(1, 1_030_000)).isEqualTo(1_030_000);
        assertThat(limiter.reserve(1)).as("grants never go backwards").isEqualTo(1_030_000);
    }
}
