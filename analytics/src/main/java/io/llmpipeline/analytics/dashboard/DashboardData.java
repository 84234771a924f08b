package io.llmpipeline.analytics.dashboard;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.llmpipeline.analytics.report.AnalyticsStore;
import io.llmpipeline.analytics.report.BudgetBurn;
import io.llmpipeline.analytics.report.CostReports;
import io.llmpipeline.analytics.report.Recommendations;
import io.llmpipeline.analytics.report.Table;
import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.schemas.Codecs;
import io.llmpipeline.schemas.ProviderHealth;

/**
 * What each panel of the dashboard shows, as plain maps and lists for JSON: figures from the
 * exported Parquet (a fresh DuckDB view per call, so new files count at once), provider health
 * and batches from their compacted topics.
 */
final class DashboardData {
    private static final long HOUR = 3_600_000L;
    private final Catalog catalog;
    private final Path dataDir;
    private final Clock clock;
    private final TopicWatch health;
    private final TopicWatch batches;
    private final GenericAvroDecoder batchDecoder = new GenericAvroDecoder();

    DashboardData(Catalog catalog, Path dataDir, Clock clock, TopicWatch health, TopicWatch batches) {
        this.catalog = catalog;
        this.dataDir = dataDir;
        this.clock = clock;
        this.health = health;
        this.batches = batches;
    }

    Map<String, Object> summary() {
        long now = clock.millis();
        long dayStart = now - now % (24 * HOUR);
        try (AnalyticsStore store = AnalyticsStore.open(dataDir)) {
            Table t = store.query("""
                    SELECT coalesce(sum(cost_micros) FILTER (WHERE billed), 0) AS spend_micros,
                           coalesce(sum(cost_micros) FILTER (WHERE billed AND ended_at_ms >= ?), 0) AS spend_today_micros,
                           coalesce(sum(cost_micros) FILTER (WHERE billed AND shadow), 0) AS shadow_micros,
                           coalesce(sum(cost_micros) FILTER (WHERE billed AND outcome <> 'SUCCESS'), 0) AS failed_billed_micros,
                           count(*) AS attempts, count(DISTINCT request_id) AS requests,
                           count(*) FILTER (WHERE outcome = 'SUCCESS') AS successes,
                           coalesce(sum(input_tokens + output_tokens), 0) AS tokens,
                           CAST(coalesce(quantile_disc(ended_at_ms - started_at_ms, 0.95) FILTER (WHERE outcome <> 'REJECTED'), 0) AS BIGINT) AS p95_latency_ms
                    FROM invocations""", dayStart);
            Table cache = store.query("""
                    SELECT count(*) AS results, count(*) FILTER (WHERE cache_hit) AS cache_hits,
                           coalesce(sum(saved_cost_micros) FILTER (WHERE cache_hit), 0) AS saved_micros FROM results""");
            Map<String, Object> out = row(t);
            out.putAll(row(cache));
            out.put("generated_at_ms", now);
            return out;
        }
    }

    /**
     * Spend over time, one series per value of {@code column} (the top six, the rest as "other"),
     * over at most the last {@code hours}. Buckets are as small as lets the span since the first
     * spend fit in {@value #MAX_BUCKETS} of them (1 minute up to 1 hour), so a pipeline that
     * started ten minutes ago shows minutes, not one bar.
     */
    Map<String, Object> spendOverTime(String column, int hours) {
        long now = clock.millis();
        try (AnalyticsStore store = AnalyticsStore.open(dataDir)) {
            Table first = store.query("SELECT min(ended_at_ms) FROM invocations WHERE billed AND ended_at_ms >= ?", now - hours * HOUR);
            Object firstMs = first.rows().getFirst().getFirst();
            long span = firstMs == null ? HOUR : now - ((Number) firstMs).longValue();
            long bucket = bucketFor(span, new long[] {60_000L, 300_000L, 900_000L, HOUR});
            int count = (int) Math.max(12, Math.min(MAX_BUCKETS, span / bucket + 2));
            long end = now - now % bucket + bucket;
            long start = end - count * bucket;
            Table top = store.query("SELECT " + column + " AS k FROM invocations WHERE billed AND ended_at_ms >= ? "
                    + "GROUP BY 1 ORDER BY sum(cost_micros) DESC, 1 LIMIT 6", start);
            List<String> keys = top.rows().stream().map(r -> String.valueOf(r.get(0))).toList();
            Table buckets = store.query("SELECT " + column + " AS k, (ended_at_ms - ?) // ? AS bucket, sum(cost_micros) AS micros "
                    + "FROM invocations WHERE billed AND ended_at_ms >= ? AND ended_at_ms < ? GROUP BY 1, 2", start, bucket, start, end);
            Map<String, long[]> series = new LinkedHashMap<>();
            keys.forEach(k -> series.put(k, new long[count]));
            for (List<Object> r : buckets.rows()) {
                String key = keys.contains(String.valueOf(r.get(0))) ? String.valueOf(r.get(0)) : "other";
                series.computeIfAbsent(key, k -> new long[count])[((Number) r.get(1)).intValue()] += ((Number) r.get(2)).longValue();
            }
            List<Long> labels = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                labels.add(start + i * bucket);
            }
            List<Map<String, Object>> out = new ArrayList<>();
            series.forEach((k, v) -> out.add(Map.of("name", k, "micros", v)));
            return Map.of("bucket_ms", bucket, "bucket_start_ms", labels, "series", out);
        }
    }

    private static final int MAX_BUCKETS = 48;

    private static long bucketFor(long span, long[] sizes) {
        for (long size : sizes) {
            if (span <= MAX_BUCKETS * size) {
                return size;
            }
        }
        return sizes[sizes.length - 1];
    }

    /** Attempts, latency percentiles and output tokens per second over the last hour, per minute (per 10 s in the first minutes). */
    List<Map<String, Object>> throughput() {
        long now = clock.millis();
        try (AnalyticsStore store = AnalyticsStore.open(dataDir)) {
            Table first = store.query("SELECT min(ended_at_ms) FROM invocations WHERE ended_at_ms >= ?", now - HOUR);
            Object firstMs = first.rows().getFirst().getFirst();
            long bucket = bucketFor(firstMs == null ? HOUR : now - ((Number) firstMs).longValue(), new long[] {10_000L, 60_000L});
            return rows(store.query("""
                    SELECT ended_at_ms // ? * ? AS bucket_ms, ? AS bucket_size_ms, count(*) AS attempts,
                           count(*) FILTER (WHERE outcome <> 'SUCCESS') AS failures,
                           CAST(quantile_disc(ended_at_ms - started_at_ms, 0.5) AS BIGINT) AS p50_ms,
                           CAST(quantile_disc(ended_at_ms - started_at_ms, 0.95) AS BIGINT) AS p95_ms,
                           round(sum(output_tokens) * 1000.0 / ?, 1) AS output_tokens_per_s
                    FROM invocations WHERE outcome <> 'REJECTED' AND ended_at_ms >= ? GROUP BY 1 ORDER BY 1""",
                    bucket, bucket, bucket, bucket, now - HOUR));
        }
    }

    List<Map<String, Object>> health() {
        long now = clock.millis();
        List<Map<String, Object>> out = new ArrayList<>();
        if (health == null) {
            return out;
        }
        health.snapshot().forEach((key, bytes) -> {
            try {
                ProviderHealth h = Codecs.HEALTH.decode(bytes);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("provider", h.getProvider());
                m.put("model", h.getModel());
                m.put("breaker_state", h.getBreakerState().name());
                Long until = h.getCooldownUntilMs();
                m.put("cooldown_remaining_s", until == null || until <= now ? 0 : (until - now + 999) / 1000);
                m.put("success_rate", h.getSuccessRate());
                m.put("p95_latency_ms", h.getP95LatencyMs());
                m.put("calls", h.getCalls());
                m.put("failures", h.getFailures());
                m.put("reason", h.getReason());
                m.put("updated_at_ms", h.getUpdatedAtMs());
                out.add(m);
            } catch (RuntimeException e) {
                out.add(Map.of("provider", key, "model", "", "breaker_state", "UNKNOWN", "reason", "undecodable: " + e.getMessage()));
            }
        });
        return out;
    }

    Map<String, Object> batches() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("topic_exists", batches != null && batches.topicExists());
        List<Map<String, Object>> list = new ArrayList<>();
        if (batches != null) {
            batches.snapshot().forEach((key, bytes) -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("key", key);
                m.putAll(batchDecoder.decode(bytes));
                list.add(m);
            });
        }
        out.put("batches", list);
        return out;
    }

    List<Map<String, Object>> budgets() {
        try (AnalyticsStore store = AnalyticsStore.open(dataDir)) {
            return rows(new BudgetBurn(store, clock).report(catalog));
        }
    }

    List<Map<String, Object>> recommendations() {
        try (AnalyticsStore store = AnalyticsStore.open(dataDir)) {
            return rows(Recommendations.defaults().report(store, clock, catalog, Duration.ofDays(7)));
        }
    }

    List<Map<String, Object>> rankings() {
        try (AnalyticsStore store = AnalyticsStore.open(dataDir)) {
            return rows(new CostReports(store, clock).modelRankings(Duration.ofDays(7)));
        }
    }

    private static Map<String, Object> row(Table t) {
        return t.asMaps().getFirst();
    }

    private static List<Map<String, Object>> rows(Table t) {
        return t.asMaps();
    }
}
