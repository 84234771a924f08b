package io.llmpipeline.catalog;

import java.math.BigDecimal;

import io.llmpipeline.schemas.BudgetScope;
import io.llmpipeline.schemas.BudgetWindow;

/**
 * One spend limit.
 *
 * @param scope    TENANT, TENANT_PROVIDER, PROVIDER or MODEL
 * @param key      the tenant, {@code tenant/provider}, provider or model it limits; {@code *} for each one separately
 * @param window   DAILY or MONTHLY, in UTC
 * @param limitUsd the limit in US dollars
 */
public record BudgetLimit(BudgetScope scope, String key, BudgetWindow window, BigDecimal limitUsd) {
    public BudgetLimit {
        window = window == null ? BudgetWindow.DAILY : window;
    }

    public long limitMicros() {
        return limitUsd.movePointRight(6).longValueExact();
    }
}
