package io.llmpipeline.router.internals.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.router.Invocations;
import io.llmpipeline.router.RouterDriver;
import io.llmpipeline.router.Requests;
import io.llmpipeline.router.TestCatalogs;
import io.llmpipeline.schemas.BudgetAlert;
import io.llmpipeline.schemas.BudgetScope;
import io.llmpipeline.schemas.ErrorKind;
import io.llmpipeline.schemas.LlmAssignment;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.Priority;

/**
 * Budgets through the whole topology. Every request here is the same prompt with max_tokens 1000
 * on gpt-4o-mini ($0.15 in, $0.60 out per million tokens), so each one reserves the same worst
 * case of about 603 micro-dollars; the tests read the exact figure from the first assignment.
 */
class BudgetTest {
    static final String ONE_MODEL = """
            routes:
              - match: ""
                candidates: [gpt-4o-mini]
            cache: {policy: disabled}
            """;
    private RouterDriver router;

    @AfterEach
    void close() {
        if (router != null) {
            router.close();
        }
    }

    private void start(String budgets) {
        Catalog catalog = TestCatalogs.demoModelsWith(ONE_MODEL + budgets);
        router = new RouterDriver(catalog);
    }

    private void submit(String id, String tenant, Priority priority) {
        router.submit(Requests.valid(id).setTenantId(tenant).setPriority(priority)
                .setParams(Requests.params().setMaxTokens(1_000).build()).build());
    }

    private LlmAssignment admitted(String id) {
        submit(id, "acme", Priority.NORMAL);
        LlmAssignment a = router.assigned.readValue();
        assertThat(a.getRequest().getRequestId()).isEqualTo(id);
        return a;
    }

    private LlmResult refused(String id, String tenant, Priority priority) {
        submit(id, tenant, priority);
        assertThat(router.assigned.isEmpty()).as(id + " must not be assigned").isTrue();
        LlmResult result = router.results.readValue();
        assertThat(result.getRequestId()).isEqualTo(id);
        assertThat(result.getError().getKind()).isEqualTo(ErrorKind.BUDGET_EXCEEDED);
        return result;
    }

    @Test
    void shouldRefuseTheRequestThatWouldTakeTheTenantOverItsDailyLimit() {
        start("""
                budgets:
                  limits:
                    - {scope: tenant, key: acme, window: daily, limitUsd: 0.002}
                """);
        long cost = admitted("r1").getEstimatedCostMicros();
        assertThat(cost).isBetween(600L, 610L);
        admitted("r2");
        admitted("r3");

        LlmResult result = refused("r4", "acme", Priority.NORMAL);

        assertThat(result.getError().getMessage()).isEqualTo("budget exceeded: TENANT 'acme' DAILY limit $0.002000 has $0.000000 spent and $"
                + io.llmpipeline.catalog.CostCalculator.formatUsd(3 * cost) + " reserved; this request needs up to $"
                + io.llmpipeline.catalog.CostCalculator.formatUsd(cost));
        assertThat(result.getTenantId()).isEqualTo("acme");
    }

    @Test
    void shouldGiveBackWhatTheFinalAttemptDidNotUse() {
        start("""
                budgets:
                  limits:
                    - {scope: tenant, key: "*", limitUsd: 0.002}
                """);
        LlmAssignment first = admitted("r1");
        admitted("r2");
        admitted("r3");
        refused("r4", "acme", Priority.NORMAL);

        router.invocations.pipeInput("r1", Invocations.of(first, 1, 100, true).build());

        Ledger afterFinal = tenantLedger("acme");
        admitted("r5");
        assertThat(afterFinal.spentMicros()).isEqualTo(100);
        assertThat(afterFinal.leasedMicros()).as("r2 and r3 still in flight in the lease given back").isEqualTo(2 * first.getEstimatedCostMicros());
    }

    @Test
    void shouldBookEachAttemptRoundedUpSoTheBooksNeverFallBelowWhatTheProviderBills() {
        start("""
                budgets:
                  limits:
                    - {scope: tenant, key: "*", limitUsd: 1}
                """);
        for (int i = 0; i < 10; i++) {
            LlmAssignment a = admitted("tiny-" + i);
            // 3 prompt tokens at $0.15/MTok: 0.45 micro-dollars, which the worker's half-up rounding records as 0
            router.invocations.pipeInput(a.getRequest().getRequestId(), Invocations.of(a, 1, 0, true)
                    .setUsage(new io.llmpipeline.schemas.Usage(3, 0, 0, 0)).setBilled(true).build());
        }

        // the provider bills the ten together 4.5 micro-dollars, rounded up 5; the books must hold at least that
        assertThat(tenantLedger("acme").spentMicros()).isEqualTo(10);
    }

    @Test
    void shouldBookBilledFailedAttemptsAndHoldTheWholeWorstCaseUntilTheFinalAttempt() {
        start("""
                budgets:
                  limits:
                    - {scope: tenant, key: acme, limitUsd: 1}
                """);
        LlmAssignment a = admitted("r1");
        long cost = a.getEstimatedCostMicros();

        Ledger admittedOnly = tenantLedger("acme");
        router.invocations.pipeInput("r1", Invocations.of(a, 1, 200, false).build());
        Ledger afterFailure = tenantLedger("acme");
        router.invocations.pipeInput("r1", Invocations.of(a, 2, 150, true).build());
        Ledger afterFinal = tenantLedger("acme");

        assertThat(afterFailure.spentMicros()).isEqualTo(200);
        assertThat(afterFailure.leasedMicros()).as("held, erring high, until the request is done").isEqualTo(admittedOnly.leasedMicros());
        assertThat(afterFinal.spentMicros()).isEqualTo(350);
        assertThat(afterFinal.leasedMicros()).as("the final attempt gives the worst case back").isEqualTo(admittedOnly.leasedMicros() - cost);
    }

    @Test
    void shouldAlertAtEachThresholdExactlyOnce() {
        start("""
                budgets:
                  limits:
                    - {scope: tenant, key: acme, limitUsd: 0.002}
                """);
        LlmAssignment a = admitted("r1");
        admitted("r2");
        assertThat(thresholds()).as("alerts measure billed money, not admitted worst cases").isEmpty();

        router.invocations.pipeInput("r1", Invocations.of(a, 1, 1_000, false).build());
        assertThat(thresholds()).containsExactly(50);
        router.invocations.pipeInput("r1", Invocations.of(a, 2, 700, true).build());
        assertThat(thresholds()).containsExactly(80);
        router.invocations.pipeInput("r1", Invocations.of(a, 3, 250, true).setRequestId("r3").build());
        assertThat(thresholds()).containsExactly(95);
        router.invocations.pipeInput("r1", Invocations.of(a, 4, 50, true).setRequestId("r4").build());
        List<BudgetAlert> hundred = router.alerts.readValuesToList();
        assertThat(hundred).extracting(BudgetAlert::getThresholdPercent).containsExactly(100);
        assertThat(hundred.getFirst().getSpentMicros()).isEqualTo(2_000);
        assertThat(hundred.getFirst().getScopeType()).isEqualTo(BudgetScope.TENANT);
        assertThat(hundred.getFirst().getLimitMicros()).isEqualTo(2_000);

        router.invocations.pipeInput("r2", Invocations.of(a, 1, 1, false).setRequestId("r2").build());
        assertThat(router.alerts.isEmpty()).as("no alert twice in one window").isTrue();
    }

    @Test
    void shouldStartAFreshLedgerAndFreshAlertsWhenTheUtcDayChanges() {
        start("""
                budgets:
                  limits:
                    - {scope: tenant, key: acme, window: daily, limitUsd: 0.001}
                """);
        LlmAssignment first = admitted("r1");
        router.invocations.pipeInput("r1", Invocations.of(first, 1, 600, true).build());
        assertThat(thresholds()).containsExactly(50);
        refused("r2", "acme", Priority.NORMAL);

        router.clock.set(Instant.parse("2026-03-15T00:00:00Z"));

        LlmAssignment next = admitted("r3");
        router.invocations.pipeInput("r3", Invocations.of(next, 1, 600, true).build());
        assertThat(thresholds()).containsExactly(50);
        BudgetAlert fresh = router.alerts.isEmpty() ? null : router.alerts.readValue();
        assertThat(fresh).isNull();
    }

    @Test
    void shouldKeepAMonthlyLedgerAcrossDaysAndResetItOnTheFirstOfTheMonth() {
        start("""
                budgets:
                  limits:
                    - {scope: tenant, key: acme, window: monthly, limitUsd: 0.001}
                """);
        admitted("r1");
        router.clock.set(Instant.parse("2026-03-31T23:59:00Z"));
        refused("r2", "acme", Priority.NORMAL);
        router.clock.set(Instant.parse("2026-04-01T00:00:00Z"));
        admitted("r3");
    }

    @Test
    void shouldRefuseLowPriorityAboveTheCutoffWhileHigherPrioritiesStillGetIn() {
        start("""
                budgets:
                  lowPriorityCutoff: 0.7
                  limits:
                    - {scope: tenant, key: acme, limitUsd: 0.002}
                """);
        admitted("r1");
        admitted("r2");  // ~60 %

        LlmResult low = refused("r3", "acme", Priority.LOW); // would be ~90 %
        assertThat(low.getError().getMessage()).contains("budget reserved for higher priorities")
                .contains("LOW requests are refused above 70.0%");
        refused("r4", "acme", Priority.BULK);
        submit("r5", "acme", Priority.HIGH);
        assertThat(router.assigned.readValue().getRequest().getRequestId()).isEqualTo("r5");
    }

    @Test
    void shouldHoldProviderLimitsAcrossTenantsAndGiveBackTheTenantReservationWhenTheProviderRefuses() {
        start("""
                budgets:
                  limits:
                    - {scope: tenant, key: "*", limitUsd: 0.001}
                    - {scope: provider, key: sim-openai, limitUsd: 0.0015}
                """);
        submit("a1", "acme", Priority.NORMAL);
        submit("b1", "beta", Priority.NORMAL);
        assertThat(router.assigned.readValuesToList()).hasSize(2);

        LlmResult refused = refused("g1", "gamma", Priority.NORMAL);

        assertThat(refused.getError().getMessage()).contains("PROVIDER 'sim-openai' DAILY limit $0.001500");
        assertThat(HeldLeases.used(router, "TENANT|gamma|")).as("nothing taken out of gamma's tenant lease").isZero();
        // acme's own limit (397 of 1,000 left) and the provider's (294 of 1,500 left) both refuse a2; the first owner to answer names itself
        assertThat(refused("a2", "acme", Priority.NORMAL).getError().getMessage()).containsAnyOf("TENANT 'acme'", "PROVIDER 'sim-openai'");
        assertThat(tenantLedger("acme").leasedMicros()).as("a1's worst case, still held in the lease given back; a2 took nothing")
                .isEqualTo(603);
    }

    @Test
    void shouldHoldAModelLimit() {
        start("""
                budgets:
                  limits:
                    - {scope: model, key: gpt-4o-mini, limitUsd: 0.001}
                """);
        admitted("r1");
        assertThat(refused("r2", "beta", Priority.CRITICAL).getError().getMessage()).contains("MODEL 'gpt-4o-mini'");
    }

    @Test
    void shouldHoldATenantProviderLimit() {
        start("""
                budgets:
                  limits:
                    - {scope: tenant_provider, key: "acme/*", limitUsd: 0.001}
                """);
        admitted("r1");
        assertThat(refused("r2", "acme", Priority.NORMAL).getError().getMessage()).contains("TENANT_PROVIDER 'acme/sim-openai'");
        submit("r3", "beta", Priority.NORMAL);
        assertThat(router.assigned.readValue().getRequest().getTenantId()).isEqualTo("beta");
    }

    @Test
    void shouldGiveBackAReservationWhoseRequestNeverReportedAFinalAttempt() {
        start("""
                budgets:
                  reservationTimeoutSeconds: 60
                  limits:
                    - {scope: tenant, key: acme, limitUsd: 0.001}
                """);
        admitted("r1");
        refused("r2", "acme", Priority.NORMAL);

        router.advance(Duration.ofSeconds(91));

        assertThat(tenantLedger("acme").leasedMicros()).as("the lease held for r1 is forgotten").isZero();
        admitted("r3");
    }

    private List<Integer> thresholds() {
        return router.alerts.readValuesToList().stream().map(BudgetAlert::getThresholdPercent).toList();
    }

    private Ledger tenantLedger(String tenant) {
        KeyValueStore<String, Ledger> store = router.driver.getKeyValueStore(BudgetStage.TENANT.ledgerStore());
        try (var it = store.all()) {
            while (it.hasNext()) {
                var e = it.next();
                if (e.value.scopeKey().equals(tenant)) {
                    return e.value;
                }
            }
        }
        throw new AssertionError("no ledger for " + tenant);
    }
}
