package io.llmpipeline.router.internals.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.llmpipeline.router.Invocations;
import io.llmpipeline.router.Requests;
import io.llmpipeline.schemas.LlmAssignment;
import io.llmpipeline.router.RouterDriver;

/**
 * A lease in use asks for its successor before it gets too old to use, so requests keep being
 * admitted out of a lease instead of waiting in the parked store for a new one every
 * {@link LeaseHolder#MAX_AGE}.
 */
class LeaseRenewalTest {
    private RouterDriver router;

    @AfterEach
    void close() {
        if (router != null) {
            router.close();
        }
    }

    @Test
    void shouldAskForTheNextLeaseBeforeTheOneInUseIsTooOldSoOnlyTheFirstRequestWaits() {
        router = BudgetBookingTest.startWithATenantLimit();
        TestOutputTopic<String, LedgerRequest> toOwner = BudgetBookingTest.toTenantOwner(router);
        TestOutputTopic<String, byte[]> parked = router.driver.createOutputTopic(
                "router-test-" + LeaseHolder.PARKED + "-changelog", new StringDeserializer(), new ByteArrayDeserializer());
        List<LlmAssignment> admitted = new ArrayList<>();
        // a request every 2 s for longer than a lease may be used (the sweep runs every second)
        for (long second = 0; second <= 2 * LeaseHolder.MAX_AGE.toSeconds(); second += 2) {
            router.submit(Requests.valid("r" + second).setTenantId("acme").setParams(Requests.params().setMaxTokens(1_000).build()).build());
            admitted.add(router.assigned.readValue());
            assertThat(admitted.getLast().getRequest().getRequestId()).isEqualTo("r" + second);
            router.advance(Duration.ofSeconds(1));
            router.advance(Duration.ofSeconds(1));
        }

        List<LedgerRequest> sent = toOwner.readValuesToList();
        List<LedgerRequest> asks = sent.stream().filter(r -> r.kind() == LedgerRequest.Kind.ASK).toList();
        assertThat(asks).as("one ordinary ask, then a renewal every %s s", LeaseHolder.MAX_AGE.minus(LeaseHolder.RENEW_AHEAD).toSeconds())
                .extracting(LedgerRequest::renewal).containsExactly(false, true, true, true);
        assertThat(sent).filteredOn(r -> r.kind() == LedgerRequest.Kind.RETURN).as("each replaced lease went back").hasSize(3);
        assertThat(sent).as("admissions send nothing per request").extracting(LedgerRequest::kind)
                .containsOnly(LedgerRequest.Kind.ASK, LedgerRequest.Kind.RETURN);
        List<byte[]> parkedValues = new ArrayList<>();
        parked.readKeyValuesToList().forEach(kv -> {
            if (kv.value != null) {
                parkedValues.add(kv.value);
            }
        });
        assertThat(parkedValues).as("only the first request waited for a lease").hasSize(1);
        assertThat(grantedLeases()).as("a replaced lease still holds its requests' worst cases").hasSize(4);

        admitted.forEach(a -> router.invocations.pipeInput(a.getRequest().getRequestId(), Invocations.of(a, 1, 0, true).build()));
        router.advance(BudgetBookingTest.WINDOW);
        assertThat(grantedLeases()).as("replaced leases are settled once their requests' final attempts are booked: only the one in use is left").hasSize(1);
    }

    private List<GrantedLease> grantedLeases() {
        KeyValueStore<String, GrantedLease> store = router.driver.getKeyValueStore(BudgetStage.TENANT.leaseStore());
        List<GrantedLease> out = new ArrayList<>();
        try (var it = store.all()) {
            it.forEachRemaining(e -> out.add(e.value));
        }
        return out;
    }
}
