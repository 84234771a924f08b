package io.llmpipeline.worker.provider;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Reading provider error responses: Retry-After, context-overflow wording, short and key-free messages. */
final class HttpFailures {
    private static final int MAX_MESSAGE = 300;

    private HttpFailures() {
    }

    /** A provider's own words for a context overflow, across the four APIs. */
    static boolean looksLikeContextOverflow(String message) {
        if (message == null) {
            return false;
        }
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("context_length_exceeded") || m.contains("context length") || m.contains("context window")
                || m.contains("prompt is too long") || m.contains("too many tokens")
                || m.contains("exceeds the maximum number of tokens") || m.contains("maximum context");
    }

    /** Retry-After as seconds, or an HTTP date, or OpenAI's retry-after-ms; null when absent or unreadable. */
    static Duration retryAfter(RawResponse response, java.time.Clock clock) {
        String ms = response.header("retry-after-ms");
        if (ms != null) {
            try {
                return Duration.ofMillis(Math.max(0, (long) Double.parseDouble(ms.trim())));
            } catch (NumberFormatException ignored) {
                // fall through to Retry-After
            }
        }
        String value = response.header("retry-after");
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Duration.ofMillis(Math.max(0, (long) (Double.parseDouble(value.trim()) * 1000)));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(clock.instant(), at.toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (RuntimeException notDate) {
                return null;
            }
        }
    }

    static String shorten(String message) {
        if (message == null) {
            return "";
        }
        String oneLine = message.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= MAX_MESSAGE ? oneLine : oneLine.substring(0, MAX_MESSAGE) + "...";
    }

    /** Removes a key the provider might echo back (some echo a prefix of it) from a message. */
    static String redact(String message, String apiKey) {
        if (message == null || apiKey == null || apiKey.length() < 8) {
            return message;
        }
        return message.replace(apiKey, "[redacted]").replace(apiKey.substring(0, 8), "[redacted]");
    }
}
