package io.llmpipeline.analytics.report;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A look-back such as {@code 7d}, {@code 12h}, {@code 30m}; {@code all} means no limit. */
public final class Since {
    private static final Pattern FORM = Pattern.compile("(\\d+)([dhm])");

    private Since() {
    }

    /** @return the duration, or null for {@code all} */
    public static Duration parse(String text) {
        if (text == null || text.isBlank() || text.equals("all")) {
            return null;
        }
        Matcher m = FORM.matcher(text.strip());
        if (!m.matches()) {
            throw new ReportException("'" + text + "' is not a look-back; expected e.g. 7d, 12h, 30m or all");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "d" -> Duration.ofDays(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofMinutes(n);
        };
    }
}
