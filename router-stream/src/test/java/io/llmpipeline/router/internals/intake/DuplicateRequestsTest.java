package io.llmpipeline.router.internals.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.llmpipeline.router.Requests;
import io.llmpipeline.router.RouterDriver;
import io.llmpipeline.router.TestCatalogs;
import io.llmpipeline.router.WorkerDouble;
import io.llmpipeline.schemas.LlmAssignment;
import io.llmpipeline.schemas.LlmRequest;

/**
 * One request id, one answer: the same id produced twice (a producer retry without idempotence)
 * reaches the worker once, whether the first copy is in flight or answered, and again after the
 * window. Temperature 0.7 keeps the response cache out of it.
 */
class DuplicateRequestsTest {
    private static final String ONE_MINUTE = """
            router: {duplicateWindowSeconds: 60}
            """;
    private RouterDriver router;

    @AfterEach
    void close() {
        router.close();
    }

    private static LlmRequest request(String id, String why) {
        return Requests.valid(id).setParams(Requests.params().setTemperature(0.7).build()).build();
    }

    @Test
    void shouldSendARequestIdToTheWorkerOnceWhetherItsFirstCopyIsInFlightOrAnswered() {
        router = new RouterDriver(TestCatalogs.demoWith(ONE_MINUTE));
        router.submit(request("r1", "hello"));
        LlmAssignment first = router.assigned.readValue();

        router.submit(request("r1", "hello"));
        assertThat(router.assigned.isEmpty()).as("a copy while the first is in flight").isTrue();

        router.resultsIn.pipeInput("r1", WorkerDouble.ok(first, 100));
        router.advance(Duration.ofSeconds(30));
        router.submit(request("r1", "hello"));
        assertThat(router.assigned.isEmpty()).as("a copy after the first was answered").isTrue();
        assertThat(router.results.readValuesToList()).as("no result of the router's own for the copies: the worker's answers")
                .isEmpty();

        router.submit(request("r2", "hello"));
        assertThat(router.assigned.readValue().getRequest().getRequestId()).as("another id goes on").isEqualTo("r2");
    }

    @Test
    void shouldTakeTheSameIdAgainOnceTheWindowHasPassed() {
        router = new RouterDriver(TestCatalogs.demoWith(ONE_MINUTE));
        router.submit(request("r1", "hello"));
        router.assigned.readValue();

        router.advance(Duration.ofMinutes(5));
        router.submit(request("r-other", "moves stream time on"));
        router.assigned.readValue();
        router.submit(request("r1", "hello"));

        assertThat(router.assigned.readValue().getRequest().getRequestId()).isEqualTo("r1");
    }

    @Test
    void shouldTakeARequestAWorkerSentBackPastItsOwnCacheEntryButEachReadmissionOnce() {
        router = new RouterDriver(TestCatalogs.demoWith(ONE_MINUTE));
        LlmRequest cacheable = Requests.valid("r1").build();
        router.submit(cacheable);
        LlmAssignment first = router.assigned.readValue();
        assertThat(first.getCacheKey()).as("the first copy leads its cache key").isNotNull();

        java.util.Map<String, String> metadata = new java.util.HashMap<>(cacheable.getMetadata());
        metadata.put(io.llmpipeline.schemas.Readmissions.AFTER_ATTEMPTS, "1");
        LlmRequest readmitted = LlmRequest.newBuilder(cacheable).setMetadata(metadata).build();
        router.submit(readmitted);
        LlmAssignment again = router.assigned.readValue();
        router.submit(readmitted); // the same readmission produced twice

        assertThat(again.getRequest().getRequestId()).isEqualTo("r1");
        assertThat(again.getCacheKey()).as("its result still fills the cache and releases waiters").isEqualTo(first.getCacheKey());
        assertThat(again.getEstimatedCostMicros()).as("reserved again").isPositive();
        assertThat(router.assigned.isEmpty()).isTrue();
    }
}
