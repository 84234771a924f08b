package io.llmpipeline.sim.internal;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The rate-limit headers OpenAI and Anthropic send on every answer and 429. "Reset" is when the
 * limit is fully replenished: a duration for OpenAI ({@code 6m0s}, {@code 1.5s}, {@code 20ms}),
 * an RFC 3339 time for Anthropic. Anthropic's separate input- and output-token limits are not
 * simulated: its {@code -tokens-} family (the most restrictive token limit) is sent.
 */
final class RateLimitHeaders {
    private RateLimitHeaders() {
    }

    static Map<String, String> openAi(RateLimits.Admission admission) {
        Map<String, String> headers = new LinkedHashMap<>();
        java.util.function.BiConsumer<String, RateLimits.Status> family = (kind, s) -> {
            headers.put("x-ratelimit-limit-" + kind, Long.toString(s.limit()));
            headers.put("x-ratelimit-remaining-" + kind, Long.toString(s.remaining()));
            headers.put("x-ratelimit-reset-" + kind, goDuration(s.resetMs()));
        };
        put(admission.requests(), "requests", family);
        put(admission.tokens(), "tokens", family);
        return headers;
    }

    static Map<String, String> anthropic(RateLimits.Admission admission, Instant now) {
        Map<String, String> headers = new LinkedHashMap<>();
        java.util.function.BiConsumer<String, RateLimits.Status> family = (kind, s) -> {
            headers.put("anthropic-ratelimit-" + kind + "-limit", Long.toString(s.limit()));
            headers.put("anthropic-ratelimit-" + kind + "-remaining", Long.toString(s.remaining()));
            headers.put("anthropic-ratelimit-" + kind + "-reset",
                    now.plusMillis(s.resetMs()).truncatedTo(ChronoUnit.SECONDS).toString());
        };
        put(admission.requests(), "requests", family);
        put(admission.tokens(), "tokens", family);
        return headers;
    }

    private static void put(RateLimits.Status status, String kind, java.util.function.BiConsumer<String, RateLimits.Status> writer) {
        if (status != null) {
            writer.accept(kind, status);
        }
    }

    /** Go's duration format, as OpenAI sends it: {@code 20ms}, {@code 1.5s}, {@code 6m0s}. */
    static String goDuration(long ms) {
        if (ms < 1_000) {
            return ms + "ms";
        }
        long minutes = ms / 60_000;
        String seconds = String.format(Locale.ROOT, "%.3f", (ms % 60_000) / 1000.0).replaceAll("\\.?0+$", "");
        return minutes > 0 ? minutes + "m" + seconds + "s" : seconds + "s";
    }
}
