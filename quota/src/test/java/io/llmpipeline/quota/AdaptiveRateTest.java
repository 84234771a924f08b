package io.llmpipeline.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AdaptiveRateTest {
    static AdaptiveRate rate(double initial) {
        return new AdaptiveRate(initial, 6, 120, 0.7, 2_000, 0);
    }

    @Test
    void shouldBackOffOncePerHoldOffHoweverMany429sArriveTogether() {
        AdaptiveRate rate = rate(1_200);

        rate.onThrottled(1_000, 0);
        rate.onThrottled(1_500, 0);
        rate.onThrottled(2_900, 0);
        assertThat(rate.ratePerMinute()).isCloseTo(840, within(1e-9));

        rate.onThrottled(3_000, 0);
        assertThat(rate.ratePerMinute()).isCloseTo(588, within(1e-9));
    }

    @Test
    void shouldClimbBackWhileCallsSucceedButNotAboveTheCeiling() {
        AdaptiveRate rate = rate(1_200);
        rate.onThrottled(0, 0); // 840

        rate.onSuccess(60_000); // +120 per minute
        assertThat(rate.ratePerMinute()).isCloseTo(960, within(1e-9));
        rate.onSuccess(600_000);
        assertThat(rate.ratePerMinute()).isEqualTo(1_200);
    }

    @Test
    void shouldTakeTheProvidersAnnouncedLimitAsTheCeilingWhenTheCatalogSaysMore() {
        AdaptiveRate rate = rate(2_400);

        rate.onProviderLimit(1_200, 10);

        assertThat(rate.ratePerMinute()).isEqualTo(1_200);
        rate.onSuccess(600_000);
        assertThat(rate.ratePerMinute()).isEqualTo(1_200);
    }

    @Test
    void shouldStartFromWhatWasObservedWhenTheCatalogGivesNoLimit() {
        AdaptiveRate rate = rate(0);

        rate.onThrottled(1_000, 1_000);

        assertThat(rate.ratePerMinute()).isCloseTo(700, within(1e-9));
    }
}
