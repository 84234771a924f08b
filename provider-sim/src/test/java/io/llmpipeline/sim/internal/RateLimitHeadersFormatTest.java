package io.llmpipeline.sim.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RateLimitHeadersFormatTest {
    @Test
    void shouldWriteDurationsTheWayOpenAiDoes() {
        assertThat(RateLimitHeaders.goDuration(20)).isEqualTo("20ms");
        assertThat(RateLimitHeaders.goDuration(1_000)).isEqualTo("1s");
        assertThat(RateLimitHeaders.goDuration(1_500)).isEqualTo("1.5s");
        assertThat(RateLimitHeaders.goDuration(17_280)).isEqualTo("17.28s");
        assertThat(RateLimitHeaders.goDuration(61_000)).isEqualTo("1m1s");
        assertThat(RateLimitHeaders.goDuration(360_000)).isEqualTo("6m0s");
    }
}
