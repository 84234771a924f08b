package io.llmpipeline.router.internals.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
import io.llmpipeline.schemas.BudgetHold;
import io.llmpipeline.schemas.LlmAssignment;

/**
 * Admission sends nothing per request: the assignment names the leases its worst case was taken out
 * of, and the owner hears of it from the request's final attempt. Invocations read within one booking
 * window reach the owner as one record, and until then the lease keeps holding the worst cases.
 */
class BudgetBookingTest {
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
    void shouldNameTheLeaseOnTheAssignmentAndSendTheOwnerNothingPerRequest() {
        router = startWithATenantLimit();
        TestOutputTopic<String, LedgerRequest> toOwner = toTenantOwner(router);
        List<LlmAssignment> admitted = admitTen();
        long cost = admitted.getFirst().getEstimatedCostMicros();

        router.advance(WINDOW);

        assertThat(toOwner.readValuesToList()).extracting(LedgerRequest::kind).containsExactly(LedgerRequest.Kind.ASK);
        assertThat(admitted).allSatisfy(a -> {
            assertThat(a.getBudgetHolds()).singleElement().satisfies(hold -> {
                assertThat(hold.getStage()).isEqualTo("TENANT");
                assertThat(hold.getOwner()).isEqualTo("acme");
                assertThat(hold.getLeaseId()).startsWith(ledgerKey() + "#");
            });
            assertThat(a.getAdmittedAtMs()).isEqualTo(RouterDriver.START.toEpochMilli());
        });
        assertThat(ledger().heldMicros()).as("the lease holds the admitted requests").isGreaterThanOrEqualTo(REQUESTS * cost);
    }

    @Test
    void shouldBookOneWindowsInvocationsInOneRecordAndGiveTheFinishedWorstCasesBack() {
        router = startWithATenantLimit();
        TestOutputTopic<String, LedgerRequest> toOwner = router.driver.createOutputTopic("router-test-budget-bookings-repartition",
                new StringDeserializer(), JsonSerde.of(LedgerRequest.class).deserializer());
        List<LlmAssignment> admitted = admitTen();
        long cost = admitted.getFirst().getEstimatedCostMicros();
        Ledger beforeBooking = ledger();

        admitted.forEach(a -> router.invocations.pipeInput(a.getRequest().getRequestId(), Invocations.of(a, 1, 100, true).build()));
        Ledger beforeWindow = ledger();
        router.advance(WINDOW);

        var booked = toOwner.readKeyValuesToList();
        Ledger after = ledger();
        assertThat(beforeWindow).as("nothing booked before the window ends").isEqualTo(beforeBooking);
        assertThat(booked).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo("TENANT|acme");
            LedgerRequest b = kv.value;
            assertThat(b.kind()).isEqualTo(LedgerRequest.Kind.BOOK);
            assertThat(b.spends()).singleElement().extracting(LedgerRequest.Spend::micros).isEqualTo(REQUESTS * 100L);
            assertThat(b.finished()).containsExactly(Map.entry(admitted.getFirst().getBudgetHolds().getFirst().getLeaseId(), REQUESTS * cost));
        });
        assertThat(after.spentMicros()).isEqualTo(REQUESTS * 100L);
        assertThat(after.heldMicros()).as("the worst cases left the lease, the spend came in")
                .isEqualTo(beforeBooking.heldMicros() - REQUESTS * cost + REQUESTS * 100L);
    }

    @Test
    void shouldKeepHoldingAGivenBackLeasesRequestsUntilTheirFinalAttempts() {
        router = startWithATenantLimit();
        List<LlmAssignment> admitted = admitTen();
        long cost = admitted.getFirst().getEstimatedCostMicros();

        router.advance(LeaseHolder.IDLE.plusSeconds(1));
        Ledger returned = ledger();
        router.invocations.pipeInput("r1", Invocations.of(admitted.getFirst(), 1, 0, false).build());
        router.advance(WINDOW);
        Ledger afterRetry = ledger();
        admitted.forEach(a -> router.invocations.pipeInput(a.getRequest().getRequestId(), Invocations.of(a, 2, 0, true).build()));
        router.advance(WINDOW);

        assertThat(returned.leasedMicros()).as("the idle lease went back, its requests' worst cases did not").isEqualTo(REQUESTS * cost);
        assertThat(afterRetry.leasedMicros()).as("an attempt that is not the last gives nothing back").isEqualTo(REQUESTS * cost);
        assertThat(ledger().leasedMicros()).isZero();
        assertThat(grantedLeases()).as("settled and forgotten").isZero();
    }

    @Test
    void shouldIgnoreAHoldNoRouterWroteAndStillBookTheSpend() {
        router = startWithATenantLimit();
        LlmAssignment a = admitTen().getFirst();
        Ledger before = ledger();

        router.invocations.pipeInput("r1", Invocations.of(a, 1, 100, true)
                .setBudgetHolds(List.of(new BudgetHold("NO_SUCH_STAGE", "acme", "x#1#1"))).build());
        router.advance(WINDOW);

        assertThat(ledger().spentMicros()).isEqualTo(before.spentMicros() + 100);
        assertThat(ledger().leasedMicros()).as("nothing given back for a lease it did not name").isEqualTo(before.leasedMicros());
    }

    private List<LlmAssignment> admitTen() {
        List<LlmAssignment> admitted = new ArrayList<>();
        for (int i = 1; i <= REQUESTS; i++) {
            router.submit(Requests.valid("r" + i).setTenantId("acme").setParams(Requests.params().setMaxTokens(1_000).build()).build());
            admitted.add(router.assigned.readValue());
        }
        return admitted;
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

    private String ledgerKey() {
        return "TENANT|acme|DAILY|" + BudgetScopes.windowStart(io.llmpipeline.schemas.BudgetWindow.DAILY, RouterDriver.START.toEpochMilli());
    }

    private long grantedLeases() {
        KeyValueStore<String, GrantedLease> store = router.driver.getKeyValueStore(BudgetStage.TENANT.leaseStore());
        long count = 0;
        try (var it = store.all()) {
            for (; it.hasNext(); it.next()) {
                count++;
            }
        }
        return count;
    }
}
