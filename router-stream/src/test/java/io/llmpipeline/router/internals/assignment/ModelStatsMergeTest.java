package io.llmpipeline.router.internals.assignment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class ModelStatsMergeTest {

    @Test
    void shouldAddCountsAndPoolLatencies() {
        ModelStats merged = ModelStats.merge(List.of(
                new ModelStats(10, 9, List.of(100L, 200L), 0, 0, 0, 5),
                new ModelStats(30, 3, List.of(900L), 0, 0, 0, 7)));

        assertThat(merged.calls()).isEqualTo(40);
        assertThat(merged.successes()).isEqualTo(12);
        assertThat(merged.latenciesMs()).containsExactlyInAnyOrder(100L, 200L, 900L);
        assertThat(merged.p95LatencyMs()).isEqualTo(900);
        assertThat(merged.updatedAtMs()).isEqualTo(7);
    }

    @Test
    void shouldWeighMovingAveragesByWhatIsBehindThem() {
        ModelStats merged = ModelStats.merge(List.of(
                new ModelStats(30, 30, List.of(), 100, 4.0, 3, 1),
                new ModelStats(10, 10, List.of(), 500, 2.0, 1, 1),
                // no billed call seen there: its zero cost must not pull the average down
                new ModelStats(60, 60, List.of(), 0, 0, 0, 1)));

        assertThat(merged.microsPer1kTokens()).isEqualTo((100 * 30 + 500 * 10) / 40);
        assertThat(merged.charsPerToken()).isEqualTo((4.0 * 3 + 2.0) / 4);
        assertThat(merged.calibrationSamples()).isEqualTo(4);
    }
}
