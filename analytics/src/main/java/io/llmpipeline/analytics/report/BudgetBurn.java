package io.llmpipeline.analytics.report;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import io.llmpipeline.catalog.BudgetLimit;
import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.schemas.BudgetWindow;

/**
 * Each budget of pipeline.yaml against what its current window (UTC day or month) has spent so
 * far, the burn rate since the window began, the spend projected at the window's end at that
 * rate, and when the limit runs out at that rate (blank when it will not this window).
 * A {@code *} key gives one row per tenant (provider, model) that spent anything.
 */
public final class BudgetBurn {
    private final AnalyticsStore store;
    private final Clock clock;

    public BudgetBurn(AnalyticsStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public Table report(Catalog catalog) {
        List<String> columns = List.of("scope", "key", "window", "limit_micros", "spent_micros", "percent",
                "burn_micros_per_hour", "projected_micros", "exhausted_at");
        List<List<Object>> rows = new ArrayList<>();
        long now = clock.millis();
        for (BudgetLimit limit : catalog.config().budgets().limits()) {
            long start = windowStart(limit.window(), now);
            long end = windowEnd(limit.window(), start);
            Table spent = store.query("SELECT " + scopeExpression(limit) + " AS k, sum(cost_micros) AS spent FROM invocations"
                    + " WHERE billed AND ended_at_ms >= ? AND ended_at_ms < ? GROUP BY 1 ORDER BY 2 DESC", start, end);
            for (List<Object> row : spent.rows()) {
                String key = (String) row.get(0);
                if (!matches(limit.key(), key)) {
                    continue;
                }
                long micros = ((Number) row.get(1)).longValue();
                long elapsed = Math.max(1, now - start);
                long perHour = Math.multiplyExact(micros, 3_600_000L) / elapsed;
                long projected = micros + Math.multiplyExact(micros, Math.max(0, end - now)) / elapsed;
                long limitMicros = limit.limitMicros();
                String exhaustedAt = "";
                if (micros >= limitMicros) {
                    exhaustedAt = "exhausted";
                } else if (projected > limitMicros) {
                    long at = start + Math.multiplyExact(limitMicros, elapsed) / micros;
                    exhaustedAt = Instant.ofEpochMilli(at).toString();
                }
                rows.add(List.of(limit.scope().name().toLowerCase(), key, limit.window().name().toLowerCase(), limitMicros, micros,
                        Math.round(100.0 * micros / limitMicros * 10) / 10.0, perHour, projected, exhaustedAt));
            }
        }
        return new Table(columns, rows);
    }

    private static String scopeExpression(BudgetLimit limit) {
        return switch (limit.scope()) {
            case TENANT -> "tenant_id";
            case PROVIDER -> "provider";
            case MODEL -> "model";
            case TENANT_PROVIDER -> "tenant_id || '/' || provider";
        };
    }

    /** {@code *} matches anything; in {@code tenant/provider} each side may be {@code *}. */
    static boolean matches(String pattern, String key) {
        if (pattern.equals("*") || pattern.equals(key)) {
            return true;
        }
        int slash = pattern.indexOf('/');
        int keySlash = key.indexOf('/');
        if (slash < 0 || keySlash < 0) {
            return false;
        }
        String tenant = pattern.substring(0, slash);
        String provider = pattern.substring(slash + 1);
        return (tenant.equals("*") || tenant.equals(key.substring(0, keySlash)))
                && (provider.equals("*") || provider.equals(key.substring(keySlash + 1)));
    }

    static long windowStart(BudgetWindow window, long nowMs) {
        LocalDate today = LocalDate.ofInstant(Instant.ofEpochMilli(nowMs), ZoneOffset.UTC);
        LocalDate first = window == BudgetWindow.MONTHLY ? today.withDayOfMonth(1) : today;
        return first.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    static long windowEnd(BudgetWindow window, long startMs) {
        LocalDate first = LocalDate.ofInstant(Instant.ofEpochMilli(startMs), ZoneOffset.UTC);
        LocalDate next = window == BudgetWindow.MONTHLY ? first.plusMonths(1) : first.plusDays(1);
        return next.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }
}
