package io.llmpipeline.worker.guard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SharedRateLimitTest {
    private static final long T0 = 1_000_000;

    @Test
    void shouldAskTheGroupForTheWholeLimitWhileItsCallsWait() {
        SharedRateLimit rpm = new SharedRateLimit("requests:openai", 600, 1, LimitShares.WHOLE, T0);

        assertThat(rpm.waitMs(1, T0)).as("the bucket starts empty").isPositive();

        assertThat(rpm.demandPerMinute(T0 + 1_000)).isEqualTo(600);
    }

    @Test
    void shouldAskForWhatItUsedWithHeadroomWhenNothingWaited() {
        SharedRateLimit rpm = new SharedRateLimit("requests:openai", 600, 1, LimitShares.WHOLE, T0);
        for (int i = 0; i < 10; i++) {
            rpm.take(1, T0 + 100L * i); // 10 calls in a 5 s window: 120 a minute
        }

        assertThat(rpm.demandPerMinute(T0 + 4_000)).isEqualTo(180);
        assertThat(rpm.demandPerMinute(T0 + 6_000)).as("the last full window still counts").isEqualTo(180);
        assertThat(rpm.demandPerMinute(T0 + 20_000)).as("idle").isZero();
    }

    @Test
    void shouldPaceAtItsShareOfTheGroupsRateLessTheMargin() {
        SharedRateLimit rpm = new SharedRateLimit("requests:openai", 620, 1, limit -> 1.0 / 3, T0);

        rpm.waitMs(1, T0);

        assertThat(rpm.ratePerMinute()).isEqualTo(200.0, org.assertj.core.api.Assertions.within(1e-9));
    }
}
