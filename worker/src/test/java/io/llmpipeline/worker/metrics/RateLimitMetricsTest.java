package io.llmpipeline.worker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import io.llmpipeline.worker.guard.SharedRateLimit;

class RateLimitMetricsTest {
    @Test
    void shouldShowEachLimitsShareGroupRateAndPace() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        WorkerMetrics metrics = new WorkerMetrics(registry);
        SharedRateLimit rpm = new SharedRateLimit("requests:openai", 1_240, 1, limit -> 0.5, 0);
        rpm.waitMs(1, 0); // the pace follows the share when the limit is next asked

        metrics.rateLimit("requests:openai", () -> 0.5, rpm::groupRatePerMinute, rpm::ratePerMinute);

        assertThat(registry.get("llm.worker.rate_limit.share").tag("limit", "requests:openai").gauge().value()).isEqualTo(0.5);
        assertThat(registry.get("llm.worker.rate_limit.group_per_minute").gauge().value()).isEqualTo(1_240);
        assertThat(registry.get("llm.worker.rate_limit.pace_per_minute").gauge().value()).isEqualTo(600);
    }
}
