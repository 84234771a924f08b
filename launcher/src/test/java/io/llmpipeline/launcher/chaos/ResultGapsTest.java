package io.llmpipeline.launcher.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class ResultGapsTest {
    // results every second, then nothing from 10 s to 40 s, then every second again
    static final List<Long> ARRIVALS = List.of(8_000L, 9_000L, 10_000L, 40_000L, 41_000L, 42_000L);

    @Test
    void shouldFindTheLongestSilenceOfTheWholeRun() {
        assertThat(ResultGaps.longestMs(ARRIVALS)).isEqualTo(30_000);
    }

    @Test
    void shouldChargeAFaultWithTheSilenceItFallsIntoIncludingTheStartBeforeIt() {
        assertThat(ResultGaps.longestOverlappingMs(ARRIVALS, 15_000, 50_000)).isEqualTo(30_000);
    }

    @Test
    void shouldNotChargeAFaultWithASilenceThatEndedBeforeIt() {
        assertThat(ResultGaps.longestOverlappingMs(ARRIVALS, 40_500, 50_000)).isEqualTo(1_000);
    }

    @Test
    void shouldSeeNoGapWithFewerThanTwoResults() {
        assertThat(ResultGaps.longestMs(List.of(5L))).isZero();
    }
}
