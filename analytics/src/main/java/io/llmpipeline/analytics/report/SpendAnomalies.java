package io.llmpipeline.analytics.report;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Spend rates far above their own trailing baseline: for each value of a dimension (tenant by
 * default), the spend of the last window against the average spend per window over the
 * baseline before it. Flagged when the ratio reaches {@code factor} and the window's spend
 * reaches {@code minMicros} (so a tenant going from 1 to 5 micro-dollars is not an incident);
 * a spender with no baseline at all counts once it reaches {@code minMicros}.
 *
 * @param window    e.g. 1 hour
 * @param baseline  e.g. 24 hours before the window
 * @param factor    ratio of the window's spend to the baseline's average per window
 * @param minMicros smallest spend in the window worth an alert
 */
public record SpendAnomalies(Duration window, Duration baseline, double factor, long minMicros) {
    public static SpendAnomalies defaults() {
        return new SpendAnomalies(Duration.ofHours(1), Duration.ofHours(24), 3.0, 100_000);
    }

    /** One row per anomaly, largest ratio first. */
    public Table detect(AnalyticsStore store, Clock clock, Dimension by) {
        long now = clock.millis();
        long windowStart = now - window.toMillis();
        long baselineStart = windowStart - baseline.toMillis();
        double windowsInBaseline = (double) baseline.toMillis() / window.toMillis();
        Table totals = store.query("SELECT " + by.expression() + " AS k,"
                + " coalesce(sum(cost_micros) FILTER (WHERE ended_at_ms >= ?), 0) AS recent,"
                + " coalesce(sum(cost_micros) FILTER (WHERE ended_at_ms < ?), 0) AS before"
                + " FROM invocations WHERE billed AND ended_at_ms >= ? AND ended_at_ms < ? GROUP BY 1 ORDER BY 1",
                windowStart, windowStart, baselineStart, now);
        List<List<Object>> rows = new ArrayList<>();
        for (List<Object> row : totals.rows()) {
            long recent = ((Number) row.get(1)).longValue();
            long before = ((Number) row.get(2)).longValue();
            long baselinePerWindow = Math.round(before / windowsInBaseline);
            if (recent < minMicros) {
                continue;
            }
            double ratio = baselinePerWindow == 0 ? Double.POSITIVE_INFINITY : (double) recent / baselinePerWindow;
            if (ratio >= factor) {
                rows.add(List.of(by.name(), String.valueOf(row.get(0)), windowStart, window.toMillis(), recent, baselinePerWindow,
                        baselinePerWindow == 0 ? "new" : String.format(java.util.Locale.ROOT, "%.1f", ratio)));
            }
        }
        return new Table(List.of("scope", "key", "window_start_ms", "window_ms", "spent_micros", "baseline_micros", "ratio"), rows);
    }
}
