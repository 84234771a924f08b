package io.llmpipeline.router.internals.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.llmpipeline.catalog.BudgetLimit;
import io.llmpipeline.catalog.BudgetsConfig;
import io.llmpipeline.schemas.BudgetScope;
import io.llmpipeline.schemas.BudgetWindow;

class BudgetScopesTest {
    private static long ms(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    @Test
    void shouldStartDailyWindowsAtUtcMidnightAndMonthlyWindowsOnTheFirst() {
        long t = ms("2028-02-29T23:59:59.999Z");
        assertThat(BudgetScopes.windowStart(BudgetWindow.DAILY, t)).isEqualTo(ms("2028-02-29T00:00:00Z"));
        assertThat(BudgetScopes.windowEnd(BudgetWindow.DAILY, ms("2028-02-29T00:00:00Z"))).isEqualTo(ms("2028-03-01T00:00:00Z"));
        assertThat(BudgetScopes.windowStart(BudgetWindow.MONTHLY, t)).isEqualTo(ms("2028-02-01T00:00:00Z"));
        assertThat(BudgetScopes.windowEnd(BudgetWindow.MONTHLY, ms("2028-12-01T00:00:00Z"))).isEqualTo(ms("2029-01-01T00:00:00Z"));
    }

    @Test
    void shouldApplyWildcardsAndKeepTheSmallerOfTwoLimitsOnOneLedger() {
        BudgetScopes scopes = new BudgetScopes(new BudgetsConfig(List.of(
                new BudgetLimit(BudgetScope.TENANT, "*", BudgetWindow.DAILY, new BigDecimal("10")),
                new BudgetLimit(BudgetScope.TENANT, "acme", BudgetWindow.DAILY, new BigDecimal("2")),
                new BudgetLimit(BudgetScope.TENANT, "beta", BudgetWindow.DAILY, new BigDecimal("1")),
                new BudgetLimit(BudgetScope.TENANT_PROVIDER, "*/openai", BudgetWindow.MONTHLY, new BigDecimal("5")),
                new BudgetLimit(BudgetScope.MODEL, "gpt-4o", BudgetWindow.DAILY, new BigDecimal("3"))), null, null, null));
        long now = ms("2026-03-14T10:00:00Z");

        List<BudgetScopes.Applicable> tenant = scopes.applicable(BudgetStage.TENANT, "acme", "openai", "gpt-4o", now);
        List<BudgetScopes.Applicable> provider = scopes.applicable(BudgetStage.PROVIDER, "acme", "openai", "gpt-4o", now);

        assertThat(tenant).extracting(BudgetScopes.Applicable::ledgerKey).containsExactly(
                "TENANT|acme|DAILY|" + ms("2026-03-14T00:00:00Z"),
                "TENANT_PROVIDER|acme/openai|MONTHLY|" + ms("2026-03-01T00:00:00Z"));
        assertThat(tenant.getFirst().limitMicros()).isEqualTo(2_000_000);
        assertThat(provider).extracting(BudgetScopes.Applicable::scopeKey).containsExactly("gpt-4o");
        assertThat(scopes.applicable(BudgetStage.TENANT, "zed", "anthropic", "claude", now))
                .extracting(BudgetScopes.Applicable::limitMicros).containsExactly(10_000_000L);
        assertThat(scopes.any(BudgetStage.PROVIDER)).isTrue();
    }
}
