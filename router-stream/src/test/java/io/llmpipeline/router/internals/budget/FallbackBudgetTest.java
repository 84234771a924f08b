package io.llmpipeline.router.internals.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.llmpipeline.router.Invocations;
import io.llmpipeline.router.Requests;
import io.llmpipeline.router.RouterDriver;
import io.llmpipeline.router.TestCatalogs;
import io.llmpipeline.schemas.BudgetScope;
import io.llmpipeline.schemas.ErrorKind;
import io.llmpipeline.schemas.InvocationOutcome;
import io.llmpipeline.schemas.LlmAssignment;
import io.llmpipeline.schemas.LlmResult;

/**
 * Budgets when the chain crosses providers: claude-3-5-haiku (sim-anthropic) first, gpt-4o-mini
 * (sim-openai) as its fallback. With max_tokens 1000 each request reserves the chain's worst case,
 * claude's: about 4,030 micro-dollars (the tests read the exact figure). The worker may fail over to
 * gpt-4o-mini, so sim-openai's ledgers must hold that reservation too, though it is not the target.
 * The driver runs every provider in one partition, the case where two providers' reservations of one
 * request share a task and must not be mistaken for each other.
 */
class FallbackBudgetTest {
    private static final String CHAIN = """
            routes:
              - match: ""
                candidates: [claude-3-5-haiku, gpt-4o-mini]
            cache: {policy: disabled}
            """;
    private RouterDriver router;

    @AfterEach
    void close() {
        router.close();
    }

    private void start(String limits) {
        router = new RouterDriver(TestCatalogs.demoModelsWith(CHAIN + "budgets:\n  limits:\n" + limits));
    }

    private void submit(String id) {
        router.submit(Requests.valid(id).setParams(Requests.params().setMaxTokens(1_000).build()).build());
    }

    private LlmAssignment admitted(String id) {
        submit(id);
        LlmAssignment a = router.assigned.readValue();
        assertThat(a.getRequest().getRequestId()).isEqualTo(id);
        assertThat(a.getTarget().getProvider()).isEqualTo("sim-anthropic");
        assertThat(a.getFallbackChain()).extracting(m -> m.getProvider()).containsExactly("sim-openai");
        return a;
    }

    private Ledger ledger(BudgetStage stage, BudgetScope scope, String key) {
        KeyValueStore<String, Ledger> ledgers = router.driver.getKeyValueStore(stage.ledgerStore());
        try (var it = ledgers.all()) {
            while (it.hasNext()) {
                Ledger l = it.next().value;
                if (l.scope() == scope && l.scopeKey().equals(key)) {
                    return l;
                }
            }
        }
        throw new AssertionError("no " + scope + " ledger for " + key);
    }

    /** The worker's part when the target fails unbilled and the fallback answers, billed {@code cost}. */
    private void failOver(LlmAssignment a, long cost) {
        router.invocations.pipeInput(a.getRequest().getRequestId(), Invocations.of(a, 1, 0, false)
                .setOutcome(InvocationOutcome.FAILURE).setErrorKind(ErrorKind.UNAVAILABLE).build());
        router.invocations.pipeInput(a.getRequest().getRequestId(), Invocations.of(a, 2, cost, true)
                .setProvider("sim-openai").setModel("gpt-4o-mini").build());
    }

    @Test
    void shouldReserveTheChainsWorstCaseOnTheFallbackProvidersLedgersToo() {
        start("""
                    - {scope: provider, key: sim-openai, limitUsd: 0.01}
                    - {scope: tenant_provider, key: acme/sim-openai, limitUsd: 1}
                """);
        LlmAssignment first = admitted("r1");
        long worstCase = first.getEstimatedCostMicros();
        assertThat(worstCase).isBetween(4_000L, 4_100L);
        assertThat(first.getBudgetHolds()).extracting(h -> h.getLeaseId().substring(0, h.getLeaseId().indexOf("|DAILY|")))
                .containsExactlyInAnyOrder("PROVIDER|sim-openai", "TENANT_PROVIDER|acme/sim-openai");
        admitted("r2");

        submit("r3");

        assertThat(router.assigned.isEmpty()).as("two reservations of %d leave less than that of $0.01", worstCase).isTrue();
        LlmResult refused = router.results.readValue();
        assertThat(refused.getError().getKind()).isEqualTo(ErrorKind.BUDGET_EXCEEDED);
        assertThat(refused.getError().getMessage()).startsWith("budget exceeded: PROVIDER 'sim-openai' DAILY limit $0.010000");
        assertThat(ledger(BudgetStage.PROVIDER, BudgetScope.PROVIDER, "sim-openai").leasedMicros()).isEqualTo(2 * worstCase);
    }

    @Test
    void shouldReleaseTheFallbackProvidersReservationWhenTheTargetAnswers() {
        start("""
                    - {scope: provider, key: sim-openai, limitUsd: 1}
                    - {scope: tenant_provider, key: acme/sim-openai, limitUsd: 1}
                """);
        LlmAssignment a = admitted("r1");
        long worstCase = admitted("r2").getEstimatedCostMicros();
        Ledger openaiBefore = ledger(BudgetStage.PROVIDER, BudgetScope.PROVIDER, "sim-openai");
        Ledger tenantBefore = ledger(BudgetStage.TENANT, BudgetScope.TENANT_PROVIDER, "acme/sim-openai");

        router.invocations.pipeInput("r1", Invocations.of(a, 1, 2_500, true).build());

        Ledger openai = ledger(BudgetStage.PROVIDER, BudgetScope.PROVIDER, "sim-openai");
        assertThat(openai.leasedMicros()).as("r1's worst case given back by its final attempt on sim-anthropic; r2's still held")
                .isEqualTo(openaiBefore.leasedMicros() - worstCase);
        assertThat(openai.spentMicros()).isZero();
        assertThat(ledger(BudgetStage.TENANT, BudgetScope.TENANT_PROVIDER, "acme/sim-openai").leasedMicros())
                .isEqualTo(tenantBefore.leasedMicros() - worstCase);
    }

    @Test
    void shouldBookAFailoverOnTheFallbacksLedgersAndReleaseEveryProvidersReservation() {
        start("""
                    - {scope: provider, key: sim-anthropic, limitUsd: 1}
                    - {scope: provider, key: sim-openai, limitUsd: 1}
                    - {scope: model, key: gpt-4o-mini, limitUsd: 1}
                """);
        LlmAssignment a = admitted("r1");
        long worstCase = a.getEstimatedCostMicros();
        assertThat(a.getBudgetHolds()).as("the chain's worst case is held on each provider's and the model's ledgers").hasSize(3);
        List<Long> before = List.of(ledger(BudgetStage.PROVIDER, BudgetScope.PROVIDER, "sim-anthropic").leasedMicros(),
                ledger(BudgetStage.PROVIDER, BudgetScope.PROVIDER, "sim-openai").leasedMicros(),
                ledger(BudgetStage.PROVIDER, BudgetScope.MODEL, "gpt-4o-mini").leasedMicros());

        failOver(a, 480);

        Ledger anthropic = ledger(BudgetStage.PROVIDER, BudgetScope.PROVIDER, "sim-anthropic");
        Ledger openai = ledger(BudgetStage.PROVIDER, BudgetScope.PROVIDER, "sim-openai");
        Ledger mini = ledger(BudgetStage.PROVIDER, BudgetScope.MODEL, "gpt-4o-mini");
        assertThat(List.of(anthropic.leasedMicros(), openai.leasedMicros(), mini.leasedMicros()))
                .containsExactly(before.get(0) - worstCase, before.get(1) - worstCase, before.get(2) - worstCase);
        assertThat(List.of(anthropic.spentMicros(), openai.spentMicros(), mini.spentMicros())).containsExactly(0L, 480L, 480L);
    }

    @Test
    void shouldGiveBackTheEarlierProvidersAndTheTenantsReservationWhenALaterProviderRefuses() {
        start("""
                    - {scope: tenant, key: acme, limitUsd: 1}
                    - {scope: provider, key: sim-anthropic, limitUsd: 1}
                    - {scope: provider, key: sim-openai, limitUsd: 0.001}
                """);
        submit("r1");

        assertThat(router.assigned.isEmpty()).isTrue();
        assertThat(router.results.readValue().getError().getMessage()).contains("PROVIDER 'sim-openai'");
        assertThat(HeldLeases.used(router, "PROVIDER|sim-anthropic|")).as("nothing taken out of the other leases").isZero();
        assertThat(HeldLeases.used(router, "TENANT|acme|")).isZero();
    }

    @Test
    void shouldNeverBillTheFallbackProviderPastItsLimitWhenEveryRequestFailsOverToIt() {
        start("""
                    - {scope: provider, key: sim-openai, limitUsd: 0.05}
                """);
        long billed = 0;
        int admitted = 0;
        long worstCase = 0;
        for (int wave = 0; wave < 4; wave++) {
            List<LlmAssignment> sent = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                submit("w" + wave + "-" + i);
            }
            sent.addAll(router.assigned.readValuesToList());
            router.results.readValuesToList();
            for (LlmAssignment a : sent) {
                worstCase = a.getEstimatedCostMicros();
                // the worst the worker can do within the reservation: bill all of it on the fallback
                failOver(a, a.getEstimatedCostMicros());
                billed += a.getEstimatedCostMicros();
            }
            admitted += sent.size();
        }

        assertThat(billed).isLessThanOrEqualTo(50_000);
        assertThat(admitted).as("every reservation that fits is used, no more").isEqualTo((int) (50_000 / worstCase));
        assertThat(ledger(BudgetStage.PROVIDER, BudgetScope.PROVIDER, "sim-openai").spentMicros()).isEqualTo(billed);
    }
}
