package io.llmpipeline.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class WorkerStatsFileTest {
    @Test
    void shouldWriteOneLineOfSortedKeyValuePairsWithBreakerFiguresPerModel() {
        WorkerStats stats = new WorkerStats(3, 5012, 2, 5100, 0, 0, 10_000, 9_990, 10, 0, 0, 4, 7, 2,
                Map.of("gpt-4o-mini", 10_000L), Map.of("gpt-4o-mini", 20L), Map.of("gpt-4o-mini", "OPEN"));
        String line = WorkerStatsFile.format(stats, 301, 512, 4_321);
        assertThat(line).endsWith("\n").doesNotContain("\n\n");
        assertThat(line).contains("in_flight_max=5012", "provider_calls=10000", "failed=10", "heap_used_peak_mb=301",
                "heap_max_mb=512", "compile_ms=4321", "breaker_open_after_calls.gpt-4o-mini=20", "calls.gpt-4o-mini=10000");
        assertThat(line.indexOf("completed=")).isLessThan(line.indexOf("in_flight_max="));
    }
}
