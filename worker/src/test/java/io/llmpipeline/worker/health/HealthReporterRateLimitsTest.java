package io.llmpipeline.worker.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.llmpipeline.catalog.GuardsConfig;
import io.llmpipeline.schemas.RateLimitUse;
import io.llmpipeline.testsupport.MutableClock;
import io.llmpipeline.worker.guard.ModelGuard;
import io.llmpipeline.worker.guard.RetrySchedule;
import io.llmpipeline.worker.guard.SharedRateLimit;

class HealthReporterRateLimitsTest {
    private final MutableClock clock = MutableClock.atEpochMs(1_000_000);

    @Test
    void shouldReportEachLimitAsThisWorkerHoldsItWithWhatItUsed() {
        // one of two workers: half of 124 a minute, less the 60/62 margin, is one call a second
        SharedRateLimit rpm = new SharedRateLimit("requests:openai", 124, 1, limit -> 0.5, clock.millis());
        ModelGuard guard = new ModelGuard("openai", "gpt", GuardsConfig.defaults().resolvedOver(null), clock,
                new RetrySchedule(100, 2, 1_000, 0, () -> 0.5), List.of(rpm), List.of(), List.of(), Runnable::run);
        for (int i = 0; i < 5; i++) {
            guard.reserveRateLimit(10, clock.millis() + 60_000);
            clock.advanceMs(1_000);
        }
        clock.advanceMs(1); // the 5 s window of those calls is now the last full one

        List<RateLimitUse> limits = HealthReporter.rateLimits(guard, clock.millis());

        assertThat(limits).hasSize(1);
        RateLimitUse use = limits.get(0);
        assertThat(use.getLimit()).isEqualTo("requests:openai");
        assertThat(use.getConfiguredPerMinute()).isEqualTo(124.0);
        assertThat(use.getGroupPerMinute()).isEqualTo(124.0);
        assertThat(use.getShare()).isEqualTo(0.5);
        assertThat(use.getPacePerMinute()).isCloseTo(60.0, within(0.01));
        assertThat(use.getUsedPerMinute()).as("5 calls in 5 s").isCloseTo(60.0, within(0.01));
    }
}
