package io.llmpipeline.worker.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.llmpipeline.testsupport.MutableClock;
import io.llmpipeline.worker.guard.ProviderLimits;
import io.llmpipeline.worker.guard.ProviderLimits.Window;

class RateLimitHeadersTest {
    private final MutableClock clock = MutableClock.atEpochMs(1_800_000_000_000L);

    private static RawResponse response(int status, String body, Map<String, String> headers) {
        return new RawResponse(status, headers, body.getBytes(StandardCharsets.UTF_8), true, null);
    }

    @Test
    void shouldReadOpenAisLimitsWithTheirGoDurationResets() {
        ProviderLimits limits = RateLimitHeaders.read(response(200, "{}", Map.of(
                "x-ratelimit-limit-requests", "1200", "x-ratelimit-remaining-requests", "1187",
                "x-ratelimit-reset-requests", "6m0s",
                "x-ratelimit-limit-tokens", "150000", "x-ratelimit-remaining-tokens", "149000",
                "x-ratelimit-reset-tokens", "1.5s")), clock);

        assertThat(limits.requests()).isEqualTo(new Window(1200, 1187, 360_000));
        assertThat(limits.tokens()).isEqualTo(new Window(150_000, 149_000, 1_500));
        assertThat(limits.saysRoomLeft()).isTrue();
        assertThat(limits.accountExhausted()).isFalse();
    }

    @Test
    void shouldReadAnthropicsLimitsAndTakeTheTokenFamilyWithTheLeastLeft() {
        ProviderLimits limits = RateLimitHeaders.read(response(429, "{}", Map.of(
                "anthropic-ratelimit-requests-limit", "50", "anthropic-ratelimit-requests-remaining", "0",
                "anthropic-ratelimit-requests-reset", "2027-01-15T08:00:12Z",
                "anthropic-ratelimit-input-tokens-limit", "40000", "anthropic-ratelimit-input-tokens-remaining", "30000",
                "anthropic-ratelimit-output-tokens-limit", "8000", "anthropic-ratelimit-output-tokens-remaining", "400")),
                clock);

        assertThat(limits.requests().limit()).isEqualTo(50);
        assertThat(limits.requests().remaining()).isZero();
        assertThat(limits.requests().resetMs()).isEqualTo(
                java.time.Instant.parse("2027-01-15T08:00:12Z").toEpochMilli() - clock.millis());
        assertThat(limits.tokens()).as("5 % of output tokens left against 75 % of input").isEqualTo(new Window(8_000, 400, -1));
        assertThat(limits.saysRoomLeft()).isFalse();
    }

    @Test
    void shouldSayNothingWithoutHeadersAndRecogniseAnExhaustedAccount() {
        assertThat(RateLimitHeaders.read(response(200, "{}", Map.of()), clock)).isEqualTo(ProviderLimits.NONE);
        ProviderLimits outOfQuota = RateLimitHeaders.read(response(429,
                "{\"error\":{\"type\":\"insufficient_quota\",\"code\":\"insufficient_quota\"}}", Map.of()), clock);
        assertThat(outOfQuota.accountExhausted()).isTrue();
        assertThat(outOfQuota.saysRoomLeft()).as("no headers: a 429 is taken as about the pace").isFalse();
    }

    @Test
    void shouldReadGoDurationsAndRefuseWhatIsNotOne() {
        assertThat(RateLimitHeaders.goDurationMs("20ms")).isEqualTo(20);
        assertThat(RateLimitHeaders.goDurationMs("1m30.5s")).isEqualTo(90_500);
        assertThat(RateLimitHeaders.goDurationMs("1h0m0s")).isEqualTo(3_600_000);
        assertThat(RateLimitHeaders.goDurationMs("soon")).isEqualTo(-1);
        assertThat(RateLimitHeaders.goDurationMs("5s later")).isEqualTo(-1);
    }
}
