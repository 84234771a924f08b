package io.llmpipeline.analytics.report;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.RouteConfig;

/**
 * What to change, from what was measured:
 * <ul>
 *   <li>{@code cheaper_model}: on a task type, a model whose success rate is at least the
 *       costliest model's (over at least {@code minCalls} calls each, shadow calls included:
 *       that is what shadow traffic is for) and that costs less per token; the saving is the
 *       costlier model's spend times the price difference;</li>
 *   <li>{@code raise_cache_ttl}: a route whose cache hit rate reaches {@code hitRatePercent}
 *       over at least {@code minCalls} results: its answers are asked for again, so keeping them
 *       longer turns more misses into hits; the saving is what the hits saved so far.</li>
 * </ul>
 */
public record Recommendations(int minCalls, double hitRatePercent) {
    public static Recommendations defaults() {
        return new Recommendations(20, 30.0);
    }

    public Table report(AnalyticsStore store, Clock clock, Catalog catalog, Duration since) {
        long from = since == null ? Long.MIN_VALUE : clock.millis() - since.toMillis();
        List<List<Object>> rows = new ArrayList<>();
        Table models = store.query("""
                SELECT task_type, model, count(*) AS calls,
                       count(*) FILTER (WHERE outcome = 'SUCCESS') AS ok,
                       sum(cost_micros) FILTER (WHERE billed) AS spend,
                       sum(input_tokens + output_tokens) FILTER (WHERE billed) AS tokens
                FROM invocations WHERE outcome <> 'REJECTED' AND ended_at_ms >= ?
                GROUP BY ALL HAVING count(*) >= ? AND sum(input_tokens + output_tokens) FILTER (WHERE billed) > 0
                ORDER BY task_type, spend DESC""", from, minCalls);
        String task = null;
        List<Object> costliest = null;
        for (List<Object> row : models.rows()) {
            if (!row.get(0).equals(task)) {
                task = (String) row.get(0);
                costliest = row;
                continue;
            }
            double costliestSuccess = rate(costliest);
            double success = rate(row);
            double costliestPrice = price(costliest);
            double cheaperPrice = price(row);
            if (success >= costliestSuccess && cheaperPrice < costliestPrice) {
                long spend = ((Number) costliest.get(4)).longValue();
                long saving = Math.round(spend * (1 - cheaperPrice / costliestPrice));
                rows.add(List.of("cheaper_model", task, String.format(java.util.Locale.ROOT,
                        "move %s from %s to %s: success %.1f%% vs %.1f%% over %d and %d calls, %.0f%% cheaper per token",
                        task, costliest.get(1), row.get(1), success, costliestSuccess, ((Number) row.get(2)).longValue(),
                        ((Number) costliest.get(2)).longValue(), 100 * (1 - cheaperPrice / costliestPrice)), saving));
            }
        }
        Table cache = store.query("""
                SELECT task_type, count(*) AS results, count(*) FILTER (WHERE cache_hit) AS hits,
                       coalesce(sum(saved_cost_micros) FILTER (WHERE cache_hit), 0) AS saved
                FROM results WHERE completed_at_ms >= ? GROUP BY 1 HAVING count(*) >= ? ORDER BY 1""", from, minCalls);
        for (List<Object> row : cache.rows()) {
            String taskType = (String) row.get(0);
            long results = ((Number) row.get(1)).longValue();
            long hits = ((Number) row.get(2)).longValue();
            double hitRate = 100.0 * hits / results;
            if (hitRate >= hitRatePercent) {
                RouteConfig route = catalog.routeFor(taskType).orElse(null);
                int ttl = route != null && route.cacheTtlSeconds() != null ? route.cacheTtlSeconds() : catalog.config().cache().ttlSeconds();
                String match = route == null ? "(none)" : "'" + route.match() + "'";
                rows.add(List.of("raise_cache_ttl", taskType, String.format(java.util.Locale.ROOT,
                        "route %s (task type %s): %.0f%% of %d results were cache hits; raise cacheTtlSeconds from %d to %d",
                        match, taskType, hitRate, results, ttl, ttl * 4), ((Number) row.get(3)).longValue()));
            }
        }
        return new Table(List.of("kind", "task_type", "advice", "estimated_saving_micros"), rows);
    }

    private static double rate(List<Object> row) {
        return 100.0 * ((Number) row.get(3)).longValue() / ((Number) row.get(2)).longValue();
    }

    private static double price(List<Object> row) {
        return ((Number) row.get(4)).doubleValue() / ((Number) row.get(5)).doubleValue();
    }
}
