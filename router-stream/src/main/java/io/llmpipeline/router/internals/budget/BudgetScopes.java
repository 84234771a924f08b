package io.llmpipeline.router.internals.budget;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.llmpipeline.catalog.BudgetLimit;
import io.llmpipeline.catalog.BudgetsConfig;
import io.llmpipeline.schemas.BudgetScope;
import io.llmpipeline.schemas.BudgetWindow;

/** Which configured limits apply to a tenant, provider and model, and the ledger each one is kept in. */
public final class BudgetScopes {
    /** One limit as it applies now: the ledger key names scope, concrete key, window and window start. */
    public record Applicable(String ledgerKey, BudgetScope scope, String scopeKey, BudgetWindow window,
                             long windowStartMs, long limitMicros) {
        Ledger emptyLedger() {
            return new Ledger(scope, scopeKey, window, windowStartMs, limitMicros, 0, 0, 0, 0, 0);
        }
    }

    private final BudgetsConfig config;

    public BudgetScopes(BudgetsConfig config) {
        this.config = config;
    }

    public boolean any(BudgetStage stage) {
        return config.limits().stream().anyMatch(l -> stage.scopes().contains(l.scope()));
    }

    /** The limits of this stage that apply; two limits on the same ledger keep the smaller. */
    public List<Applicable> applicable(BudgetStage stage, String tenant, String provider, String model, long nowMs) {
        Map<String, Applicable> byLedger = new LinkedHashMap<>();
        for (BudgetLimit limit : config.limits()) {
            if (!stage.scopes().contains(limit.scope())) {
                continue;
            }
            String scopeKey = concreteKey(limit, tenant, provider, model);
            if (scopeKey == null) {
                continue;
            }
            long start = windowStart(limit.window(), nowMs);
            String ledgerKey = limit.scope() + "|" + scopeKey + "|" + limit.window() + "|" + start;
            Applicable candidate = new Applicable(ledgerKey, limit.scope(), scopeKey, limit.window(), start, limit.limitMicros());
            byLedger.merge(ledgerKey, candidate, (a, b) -> a.limitMicros() <= b.limitMicros() ? a : b);
        }
        return new ArrayList<>(byLedger.values());
    }

    /** The limits of this stage that apply to any of these models (each with its own provider), each ledger once. */
    public List<Applicable> applicable(BudgetStage stage, String tenant, List<io.llmpipeline.schemas.ModelRef> models, long nowMs) {
        Map<String, Applicable> byLedger = new LinkedHashMap<>();
        for (io.llmpipeline.schemas.ModelRef m : models) {
            for (Applicable a : applicable(stage, tenant, m.getProvider(), m.getModel(), nowMs)) {
                byLedger.putIfAbsent(a.ledgerKey(), a);
            }
        }
        return new ArrayList<>(byLedger.values());
    }

    /** The scope key this limit holds for the request, or null when the limit does not apply. */
    private static String concreteKey(BudgetLimit limit, String tenant, String provider, String model) {
        String key = limit.key();
        return switch (limit.scope()) {
            case TENANT -> key.equals("*") || key.equals(tenant) ? tenant : null;
            case PROVIDER -> key.equals("*") || key.equals(provider) ? provider : null;
            case MODEL -> key.equals("*") || key.equals(model) ? model : null;
            case TENANT_PROVIDER -> {
                String t = key.equals("*") ? "*" : key.substring(0, Math.max(0, key.indexOf('/')));
                String p = key.equals("*") ? "*" : key.substring(key.indexOf('/') + 1);
                boolean matches = (t.equals("*") || t.equals(tenant)) && (p.equals("*") || p.equals(provider));
                yield matches ? tenant + "/" + provider : null;
            }
        };
    }

    public static long windowStart(BudgetWindow window, long nowMs) {
        LocalDate day = Instant.ofEpochMilli(nowMs).atZone(ZoneOffset.UTC).toLocalDate();
        LocalDate start = window == BudgetWindow.MONTHLY ? day.withDayOfMonth(1) : day;
        return start.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    public static long windowEnd(BudgetWindow window, long windowStartMs) {
        LocalDate start = Instant.ofEpochMilli(windowStartMs).atZone(ZoneOffset.UTC).toLocalDate();
        LocalDate end = window == BudgetWindow.MONTHLY ? start.plusMonths(1) : start.plusDays(1);
        return end.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }
}
