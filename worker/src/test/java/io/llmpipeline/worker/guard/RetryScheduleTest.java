package io.llmpipeline.worker.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class RetryScheduleTest {

    @Test
    void shouldDoubleTheBackoffUpToTheCapWhenJitterIsAtItsMiddle() {
        RetrySchedule schedule = new RetrySchedule(500, 2.0, 3_000, 0.5, () -> 0.5);

        assertThat(schedule.delay(1, null)).isEqualTo(Duration.ofMillis(500));
        assertThat(schedule.delay(2, null)).isEqualTo(Duration.ofMillis(1_000));
        assertThat(schedule.delay(3, null)).isEqualTo(Duration.ofMillis(2_000));
        assertThat(schedule.delay(4, null)).isEqualTo(Duration.ofMillis(3_000));
        assertThat(schedule.delay(9, null)).isEqualTo(Duration.ofMillis(3_000));
    }

    @Test
    void shouldSpreadEachBackoffByTheJitterShare() {
        RetrySchedule low = new RetrySchedule(1_000, 2.0, 30_000, 0.5, () -> 0.0);
        RetrySchedule high = new RetrySchedule(1_000, 2.0, 30_000, 0.5, () -> 1.0);

        assertThat(low.delay(2, null)).isEqualTo(Duration.ofMillis(1_000));
        assertThat(high.delay(2, null)).isEqualTo(Duration.ofMillis(3_000));
    }

    @Test
    void shouldNeverComeBackBeforeTheProvidersRetryAfter() {
        RetrySchedule schedule = new RetrySchedule(500, 2.0, 30_000, 0.0, () -> 0.5);

        assertThat(schedule.delay(1, Duration.ofSeconds(7))).isEqualTo(Duration.ofSeconds(7));
        assertThat(schedule.delay(1, Duration.ofMillis(100))).isEqualTo(Duration.ofMillis(500));
    }
}
