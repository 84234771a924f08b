package io.llmpipeline.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.llmpipeline.sim.internal.SlidingWindow;

class SlidingWindowTest {

    @Test
    void shouldCountOnlyEventsOfTheLastSixtySecondsAcrossGrowth() {
        SlidingWindow window = new SlidingWindow();
        for (int i = 0; i < 1000; i++) {
            window.record(i * 10L);
        }

        assertThat(window.record(9_990)).as("1000 events within 10 s, plus this one").isEqualTo(1001);
        assertThat(window.record(69_985)).as("only the two events at 9 990 ms are younger than 60 s, plus this one").isEqualTo(3);
    }

    @Test
    void shouldRefuseOverTheLimitAndSayWhenASlotFrees() {
        SlidingWindow window = new SlidingWindow();

        assertThat(window.tryAcquire(1_000, 2)).isZero();
        assertThat(window.tryAcquire(5_000, 2)).isZero();
        assertThat(window.tryAcquire(30_000, 2)).isEqualTo(31_000);
        assertThat(window.tryAcquire(61_000, 2)).isZero();
    }
}
