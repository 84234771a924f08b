package io.llmpipeline.worker.provider;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.llmpipeline.worker.guard.ProviderLimits;
import io.llmpipeline.worker.guard.ProviderLimits.Window;

/**
 * Reads the rate-limit headers OpenAI and Anthropic send with answers and 429s. OpenAI:
 * {@code x-ratelimit-limit|remaining|reset-requests|tokens}, resets as Go durations ({@code 6m0s},
 * {@code 1.5s}, {@code 20ms}). Anthropic: {@code anthropic-ratelimit-requests|tokens|input-tokens|
 * output-tokens-limit|remaining|reset}, resets as RFC 3339 times; of its token families the one
 * with the least left is taken, as it is the one that refuses first. Unreadable values count as absent.
 */
final class RateLimitHeaders {
    private static final Pattern GO_DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(h|ms|m|s|us|µs|ns)");

    private RateLimitHeaders() {
    }

    static ProviderLimits read(RawResponse response, Clock clock) {
        Window requests = openAi(response, "requests");
        if (requests == null) {
            requests = anthropic(response, "requests", clock);
        }
        Window tokens = openAi(response, "tokens");
        if (tokens == null) {
            for (String family : new String[] {"tokens", "input-tokens", "output-tokens"}) {
                Window w = anthropic(response, family, clock);
                if (w != null && (tokens == null || remainingShare(w) < remainingShare(tokens))) {
                    tokens = w;
                }
            }
        }
        return new ProviderLimits(requests, tokens, accountExhausted(response));
    }

    /** OpenAI says {@code insufficient_quota} when the account is out of credit: no pace will help. */
    private static boolean accountExhausted(RawResponse response) {
        return response.status() == 429 && response.body() != null && response.bodyText().contains("insufficient_quota");
    }

    private static double remainingShare(Window w) {
        return w.limit() > 0 && w.remaining() >= 0 ? (double) w.remaining() / w.limit() : 1.0;
    }

    private static Window openAi(RawResponse r, String kind) {
        long limit = number(r.header("x-ratelimit-limit-" + kind));
        long remaining = number(r.header("x-ratelimit-remaining-" + kind));
        if (limit < 0 && remaining < 0) {
            return null;
        }
        return new Window(limit, remaining, goDurationMs(r.header("x-ratelimit-reset-" + kind)));
    }

    private static Window anthropic(RawResponse r, String kind, Clock clock) {
        String prefix = "anthropic-ratelimit-" + kind + "-";
        long limit = number(r.header(prefix + "limit"));
        long remaining = number(r.header(prefix + "remaining"));
        if (limit < 0 && remaining < 0) {
            return null;
        }
        return new Window(limit, remaining, untilMs(r.header(prefix + "reset"), clock));
    }

    private static long number(String value) {
        if (value == null) {
            return -1;
        }
        try {
            return Math.max(0, (long) Double.parseDouble(value.trim()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** A Go duration ({@code 1m30.5s}, {@code 20ms}) in milliseconds; -1 when absent or unreadable. */
    static long goDurationMs(String value) {
        if (value == null || value.isBlank()) {
            return -1;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        Matcher m = GO_DURATION_PART.matcher(v);
        double ms = 0;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                return -1;
            }
            double n = Double.parseDouble(m.group(1));
            ms += switch (m.group(2)) {
                case "h" -> n * 3_600_000;
                case "m" -> n * 60_000;
                case "s" -> n * 1_000;
                case "ms" -> n;
                case "us", "µs" -> n / 1_000;
                default -> n / 1_000_000;
            };
            end = m.end();
        }
        return end == v.length() && end > 0 ? Math.round(ms) : -1;
    }

    private static long untilMs(String value, Clock clock) {
        if (value == null || value.isBlank()) {
            return -1;
        }
        try {
            return Math.max(0, Instant.parse(value.trim()).toEpochMilli() - clock.millis());
        } catch (DateTimeParseException e) {
            return -1;
        }
    }
}
