package io.llmpipeline.catalog;

import java.util.Map;
import java.util.TreeMap;

/**
 * Picks a request's cost-attribution labels out of its metadata: only the keys named in
 * {@code analytics.labelKeys}, so nothing else a caller put in metadata (a prompt id, a user's
 * email, a token) reaches the invocation events.
 */
public final class CostLabels {
    private CostLabels() {
    }

    /** The labels for one request; empty when no key is configured or present. */
    public static Map<String, String> select(Catalog catalog, Map<String, String> metadata) {
        AnalyticsConfig analytics = catalog.config().analytics();
        if (analytics.labelKeys().isEmpty() || metadata == null || metadata.isEmpty()) {
            return Map.of();
        }
        Map<String, String> labels = new TreeMap<>();
        for (String key : analytics.labelKeys()) {
            String value = metadata.get(key);
            if (value != null && !value.isEmpty()) {
                labels.put(key, value.length() > analytics.maxLabelChars() ? value.substring(0, analytics.maxLabelChars()) : value);
            }
        }
        return labels;
    }
}
