package io.llmpipeline.catalog;

import java.util.List;

/**
 * Cost analytics.
 *
 * @param labelKeys      request metadata keys copied onto every invocation event as cost-attribution
 *                       labels (e.g. team, project, feature, batch_id), so spend can be grouped by
 *                       them; letters, digits, {@code _ . -}; no key twice; at most 16 (default none)
 * @param maxLabelChars  a label value longer than this is cut to it, so one odd request cannot
 *                       bloat every event (default 128)
 */
public record AnalyticsConfig(List<String> labelKeys, Integer maxLabelChars) {
    /** More keys than this is a sign metadata is being used as a log, not as labels. */
    public static final int MAX_LABEL_KEYS = 16;

    public AnalyticsConfig {
        labelKeys = labelKeys == null ? List.of() : List.copyOf(labelKeys);
        maxLabelChars = maxLabelChars == null ? 128 : maxLabelChars;
    }

    public static AnalyticsConfig defaults() {
        return new AnalyticsConfig(null, null);
    }
}
