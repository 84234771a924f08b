package io.llmpipeline.analytics.report;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The cost reports, each one SQL query over the exported tables. Spend is the billed cost of
 * attempts (integer micro-dollars, summed exactly); shadow calls and failed-but-billed attempts
 * are part of it and also shown apart.
 */
public final class CostReports {
    private final AnalyticsStore store;
    private final Clock clock;

    public CostReports(AnalyticsStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    private long sinceMs(Duration since) {
        return since == null ? Long.MIN_VALUE : clock.millis() - since.toMillis();
    }

    /** Spend grouped by the dimensions, largest first. */
    public Table spend(List<Dimension> by, Duration since) {
        String dims = by.stream().map(d -> d.expression() + " AS \"" + d.name() + "\"").collect(Collectors.joining(", "));
        String group = by.isEmpty() ? "" : " GROUP BY ALL";
        return store.query("SELECT " + (dims.isEmpty() ? "" : dims + ", ") + """
                count(DISTINCT request_id) AS requests,
                count(*) AS attempts,
                count(*) FILTER (WHERE billed) AS billed_attempts,
                coalesce(sum(input_tokens) FILTER (WHERE billed), 0) AS input_tokens,
                coalesce(sum(output_tokens) FILTER (WHERE billed), 0) AS output_tokens,
                coalesce(sum(cost_micros) FILTER (WHERE billed AND outcome <> 'SUCCESS'), 0) AS failed_billed_micros,
                coalesce(sum(cost_micros) FILTER (WHERE billed AND shadow), 0) AS shadow_micros,
                coalesce(sum(cost_micros) FILTER (WHERE billed), 0) AS spend_micros
                FROM invocations WHERE ended_at_ms >= ?""" + group + " ORDER BY spend_micros DESC"
                + (by.isEmpty() ? "" : ", " + by.stream().map(d -> "\"" + d.name() + "\"").collect(Collectors.joining(", "))),
                sinceMs(since));
    }

    /** What the response cache saved: hits and the cost of the original calls, by tenant and task type. */
    public Table cacheSavings(Duration since) {
        return store.query("""
                SELECT tenant_id AS tenant, task_type, count(*) AS results,
                       count(*) FILTER (WHERE cache_hit) AS cache_hits,
                       round(100.0 * count(*) FILTER (WHERE cache_hit) / count(*), 1) AS hit_rate_percent,
                       coalesce(sum(saved_cost_micros) FILTER (WHERE cache_hit), 0) AS saved_micros,
                       coalesce(sum(saved_tokens) FILTER (WHERE cache_hit), 0) AS saved_tokens
                FROM results WHERE completed_at_ms >= ?
                GROUP BY ALL ORDER BY saved_micros DESC, tenant, task_type""", sinceMs(since));
    }

    /** Models compared on each task type: tokens per dollar and per second, success rate, p95 latency. */
    public Table modelRankings(Duration since) {
        return store.query("""
                SELECT task_type, model, provider, count(*) AS calls,
                       round(100.0 * count(*) FILTER (WHERE outcome = 'SUCCESS') / count(*), 2) AS success_percent,
                       CASE WHEN sum(cost_micros) > 0
                            THEN round((sum(input_tokens) + sum(output_tokens)) * 1000000.0 / sum(cost_micros), 0) END AS tokens_per_usd,
                       CASE WHEN sum(ended_at_ms - started_at_ms) > 0
                            THEN round(sum(output_tokens) * 1000.0 / sum(ended_at_ms - started_at_ms), 1) END AS output_tokens_per_s,
                       CAST(quantile_disc(ended_at_ms - started_at_ms, 0.95) AS BIGINT) AS p95_latency_ms,
                       coalesce(sum(cost_micros) FILTER (WHERE billed), 0) AS spend_micros
                FROM invocations WHERE outcome <> 'REJECTED' AND ended_at_ms >= ?
                GROUP BY ALL ORDER BY task_type, success_percent DESC, tokens_per_usd DESC NULLS LAST""", sinceMs(since));
    }

    /** Spend per UTC day, for charts. */
    public Table daily(List<Dimension> by, Duration since) {
        List<Dimension> withDay = new java.util.ArrayList<>();
        withDay.add(Dimension.parse("day"));
        withDay.addAll(by);
        String dims = withDay.stream().map(d -> d.expression() + " AS \"" + d.name() + "\"").collect(Collectors.joining(", "));
        return store.query("SELECT " + dims + """
                , coalesce(sum(cost_micros) FILTER (WHERE billed), 0) AS spend_micros
                FROM invocations WHERE ended_at_ms >= ? GROUP BY ALL ORDER BY 1""", sinceMs(since));
    }

    /** Any query the user writes over {@code invocations} and {@code results}. */
    public Table sql(String sql) {
        return store.query(sql);
    }
}
