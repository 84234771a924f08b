package io.llmpipeline.router.internals.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.llmpipeline.router.Invocations;
import io.llmpipeline.router.Requests;
import io.llmpipeline.router.RouterDriver;
import io.llmpipeline.router.TestCatalogs;
import io.llmpipeline.router.internals.JsonSerde;
import io.llmpipeline.schemas.LlmAssignment;

/**
 * Uses reported in batches: what a task admitted within one report window reaches the ledger's
 * owner as one record, and until it does the owner keeps that budget held in the lease.
 */
class BudgetUseReportTest {
    static final Duration WINDOW = Duration.ofMillis(20);
    private static final int REQUESTS = 10;
    private RouterDriver router;

    @AfterEach
    void close() {
        if (router != null) {
            router.close();
        }
    }

    @Test
    void shouldReportTheUsesOfOneWindowInOneRecordAndHoldThemInTheLeaseUntilThen() {
        router = startWithATenantLimit();
        TestOutputTopic<String, LedgerRequest> toOwner = toTenantOwner(router);
        List<LlmAssignment> admitted = new ArrayList<>();
        for (int i = 1; i <= REQUESTS; i++) {
            router.submit(Requests.valid("r" + i).setTenantId("acme").setParams(Requests.params().setMaxTokens(1_000).build()).build());
            admitted.add(router.assigned.readValue());
        }
        long cost = admitted.getFirst().getEstimatedCostMicros();
        Ledger beforeReport = ledger();
        List<LedgerRequest> sentBeforeReport = toOwner.readValuesToList();

        router.advance(WINDOW);

        List<LedgerRequest> report = toOwner.readValuesToList();
        Ledger afterReport = ledger();
        assertThat(sentBeforeReport).extracting(LedgerRequest::kind).containsOnly(LedgerRequest.Kind.ASK);
        assertThat(beforeReport.reservedMicros()).as("nothing reported yet").isZero();
        assertThat(beforeReport.heldMicros()).as("the lease holds the admitted requests meanwhile").isGreaterThanOrEqualTo(REQUESTS * cost);
        // the first request waited for the lease and was admitted when the grant came in, the rest on arrival: one
        // processor admits both ways, so one report
        assertThat(report).hasSize(1).extracting(LedgerRequest::kind).containsOnly(LedgerRequest.Kind.USES);
        assertThat(report.stream().flatMap(r -> r.uses().stream()).map(UseReport::requestId))
                .containsExactlyInAnyOrderElementsOf(admitted.stream().map(a -> a.getRequest().getRequestId()).toList());
        assertThat(afterReport.reservedMicros()).isEqualTo(REQUESTS * cost);
        assertThat(afterReport.heldMicros()).as("moved from the lease to reservations, not added").isEqualTo(beforeReport.heldMicros());
        assertThat(reservations()).containsExactlyInAnyOrderElementsOf(
                admitted.stream().map(a -> BudgetStage.TENANT.reservationKey(a.getRequest().getRequestId(), null)).toList());
    }

    @Test
    void shouldLetAReportArrivingAfterTheFinalAttemptOnlyGiveTheLeaseBack() {
        router = startWithATenantLimit();
        router.submit(Requests.valid("r1").setTenantId("acme").setParams(Requests.params().setMaxTokens(1_000).build()).build());
        LlmAssignment first = router.assigned.readValue();
        router.invocations.pipeInput("r1", Invocations.of(first, 1, 100, true).build());
        Ledger beforeReport = ledger();

        router.advance(WINDOW);

        Ledger afterReport = ledger();
        assertThat(afterReport.spentMicros()).isEqualTo(100);
        assertThat(afterReport.reservedMicros()).as("the request is finished: nothing to reserve").isZero();
        assertThat(afterReport.heldMicros()).as("its worst case left the lease")
                .isEqualTo(beforeReport.heldMicros() - first.getEstimatedCostMicros());
        assertThat(reservations()).as("the finished marker is gone with the report").isEmpty();
    }

    /** A router whose only limit is tenant acme's $1 a day, reporting uses every {@link #WINDOW}. */
    static RouterDriver startWithATenantLimit() {
        return new RouterDriver(TestCatalogs.demoModelsWith(BudgetTest.ONE_MODEL + """
                budgets:
                  limits:
                    - {scope: tenant, key: acme, window: daily, limitUsd: 1}
                """), WINDOW);
    }

    /** What admitting tasks send the tenant ledgers' owner. */
    static TestOutputTopic<String, LedgerRequest> toTenantOwner(RouterDriver router) {
        return router.driver.createOutputTopic("router-test-budget-tenant-ledger-repartition", new StringDeserializer(),
                JsonSerde.of(LedgerRequest.class).deserializer());
    }

    private Ledger ledger() {
        KeyValueStore<String, Ledger> store = router.driver.getKeyValueStore(BudgetStage.TENANT.ledgerStore());
        try (var it = store.all()) {
            return it.next().value;
        }
    }

    private List<String> reservations() {
        KeyValueStore<String, Reservation> store = router.driver.getKeyValueStore(BudgetStage.TENANT.reservationStore());
        List<String> keys = new ArrayList<>();
        try (var it = store.all()) {
            it.forEachRemaining(e -> keys.add(e.key));
        }
        return keys;
    }
}
