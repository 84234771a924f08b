package io.llmpipeline.router.internals.coalescing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.llmpipeline.router.Requests;
import io.llmpipeline.router.RouterDriver;
import io.llmpipeline.router.TestCatalogs;
import io.llmpipeline.router.WorkerDouble;
import io.llmpipeline.router.internals.TerminalResults;
import io.llmpipeline.router.internals.budget.HeldLeases;
import io.llmpipeline.schemas.ErrorInfo;
import io.llmpipeline.schemas.ErrorKind;
import io.llmpipeline.schemas.LlmAssignment;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.ResultStatus;
import io.llmpipeline.schemas.Usage;

/**
 * Idempotency keys through the whole topology; the test plays the worker. The requests use
 * temperature 0.7, so the response cache (conservative) is off for them: every saving here is the
 * idempotency key's.
 */
class IdempotencyTest {
    private static final String ONE_HOUR_RETENTION = """
            cache: {policy: conservative}
            router: {idempotencyRetentionSeconds: 3600, idempotencyInFlightTimeoutSeconds: 120}
            budgets:
              limits:
                - {scope: tenant, key: "*", limitUsd: 1}
            """;
    private RouterDriver router;

    @AfterEach
    void close() {
        router.close();
    }

    private void start() {
        router = new RouterDriver(TestCatalogs.demoWith(ONE_HOUR_RETENTION));
    }

    private static LlmRequest keyed(String id, String key) {
        return Requests.valid(id).setIdempotencyKey(key).setParams(Requests.params().setTemperature(0.7).build()).build();
    }

    private LlmAssignment lead(LlmRequest request) {
        router.submit(request);
        LlmAssignment a = router.assigned.readValue();
        assertThat(a.getRequest().getRequestId()).isEqualTo(request.getRequestId());
        assertThat(a.getCacheKey()).as("the cache is off for these requests").isNull();
        return a;
    }

    private void answer(LlmAssignment leader, long cost, String output) {
        LlmResult ok = WorkerDouble.ok(leader, cost);
        ok.setOutput(output);
        ok.setUsage(new Usage(20, 10, 0, 0));
        router.resultsIn.pipeInput(leader.getRequest().getRequestId(), ok);
    }

    private void fail(LlmAssignment leader, ErrorKind kind) {
        LlmResult failed = WorkerDouble.ok(leader, 0);
        failed.setStatus(ResultStatus.ERROR);
        failed.setOutput(null);
        failed.setError(ErrorInfo.newBuilder().setKind(kind).setMessage("provider said no").build());
        router.resultsIn.pipeInput(leader.getRequest().getRequestId(), failed);
    }

    /** Results the router wrote, leaving out what the test piped in as the worker. */
    private List<LlmResult> routerResults() {
        return router.results.readValuesToList().stream().filter(r -> r.getMetadata().get("worker.id") == null
                && !"provider said no".equals(r.getError() == null ? null : r.getError().getMessage())
                && !(r.getStatus() == ResultStatus.OK && !r.getCacheHit())).toList();
    }

    @Test
    void shouldMakeDuplicatesInFlightWaitAndAnswerThemOnceWithTheirOwnRequestIds() {
        start();
        LlmAssignment first = lead(keyed("r1", "order-42"));
        long worstCase = first.getEstimatedCostMicros();
        for (int i = 2; i <= 4; i++) {
            router.submit(keyed("r" + i, "order-42"));
        }

        assertThat(router.assigned.isEmpty()).as("duplicates never reach the worker").isTrue();
        assertThat(HeldLeases.used(router, "TENANT|acme|")).as("taken out of the lease once, not four times").isEqualTo(worstCase);

        answer(first, 640, "Shipped.");

        List<LlmResult> replays = routerResults();
        assertThat(replays).extracting(LlmResult::getRequestId).containsExactly("r2", "r3", "r4");
        assertThat(replays).allSatisfy(r -> {
            assertThat(r.getStatus()).isEqualTo(ResultStatus.OK);
            assertThat(r.getOutput()).isEqualTo("Shipped.");
            assertThat(r.getCostMicros()).isZero();
            assertThat(r.getSavedCostMicros()).isEqualTo(640);
            assertThat(r.getSavedTokens()).isEqualTo(30);
            assertThat(r.getMetadata()).containsEntry(TerminalResults.REPLAY_OF, "r1")
                    .doesNotContainKey(IdempotencyKeys.KEY_METADATA);
        });
    }

    @Test
    void shouldReplayTheStoredAnswerAfterTheFirstFinishedUntilTheRetentionWindowEnds() {
        start();
        answer(lead(keyed("r1", "order-42")), 640, "Shipped.");
        router.results.readValuesToList();

        router.advance(Duration.ofSeconds(3_599));
        router.submit(keyed("r2", "order-42"));

        assertThat(router.assigned.isEmpty()).isTrue();
        LlmResult replay = router.results.readValue();
        assertThat(replay.getRequestId()).isEqualTo("r2");
        assertThat(replay.getOutput()).isEqualTo("Shipped.");
        assertThat(replay.getMetadata()).containsEntry(TerminalResults.REPLAY_OF, "r1");

        router.advance(Duration.ofSeconds(61));

        KeyValueStore<String, CacheEntry> kept = router.driver.getKeyValueStore(CoalescingKind.IDEMPOTENCY.entries());
        assertThat(kept.approximateNumEntries()).as("the punctuator forgot the answer after 3,600 s").isZero();
        lead(keyed("r3", "order-42"));
    }

    @Test
    void shouldKeepTheSameKeyOfTwoTenantsApartAndIgnoreTemperatureAndCachePolicy() {
        start();
        LlmAssignment acme = lead(keyed("r1", "order-42"));
        lead(LlmRequest.newBuilder(keyed("r2", "order-42")).setTenantId("beta").build());
        answer(acme, 640, "Shipped.");
        router.results.readValuesToList();

        router.submit(LlmRequest.newBuilder(keyed("r3", "order-42")).setCachePolicy(io.llmpipeline.schemas.CachePolicy.DISABLED)
                .setMessages(List.of(new io.llmpipeline.schemas.ChatMessage(io.llmpipeline.schemas.Role.USER,
                        "A different prompt under the same key", null, null))).build());

        assertThat(router.assigned.isEmpty()).as("same tenant and key: answered once, whatever it asks").isTrue();
        assertThat(router.results.readValue().getOutput()).isEqualTo("Shipped.");
    }

    @Test
    void shouldGiveDuplicatesTheSameErrorWhenTheFirstFailedAboutThePromptNowAndWithinRetention() {
        start();
        LlmAssignment first = lead(keyed("r1", "order-42"));
        router.submit(keyed("r2", "order-42"));

        fail(first, ErrorKind.CONTENT_FILTERED);
        router.advance(Duration.ofMinutes(30));
        router.submit(keyed("r3", "order-42"));

        assertThat(router.assigned.isEmpty()).isTrue();
        List<LlmResult> errors = routerResults();
        assertThat(errors).extracting(LlmResult::getRequestId).containsExactly("r2", "r3");
        assertThat(errors).allSatisfy(e -> {
            assertThat(e.getError().getKind()).isEqualTo(ErrorKind.CONTENT_FILTERED);
            assertThat(e.getError().getMessage()).isEqualTo("a request with the same idempotency key (r1) failed: provider said no");
        });
    }

    @Test
    void shouldLetTheOldestDuplicateGoOnAsANewAttemptWhenTheFirstFailedForItsOwnReason() {
        start();
        LlmAssignment first = lead(keyed("r1", "order-42"));
        router.submit(keyed("r2", "order-42"));
        router.submit(keyed("r3", "order-42"));

        fail(first, ErrorKind.UNAVAILABLE);

        LlmAssignment second = router.assigned.readValue();
        assertThat(second.getRequest().getRequestId()).isEqualTo("r2");
        assertThat(second.getRequest().getMetadata()).containsEntry(IdempotencyKeys.KEY_METADATA, "order-42");
        assertThat(router.assigned.isEmpty()).as("one attempt at a time").isTrue();
        router.results.readValuesToList();

        answer(second, 500, "Shipped at last.");

        assertThat(routerResults()).singleElement().satisfies(r -> {
            assertThat(r.getRequestId()).isEqualTo("r3");
            assertThat(r.getOutput()).isEqualTo("Shipped at last.");
            assertThat(r.getMetadata()).containsEntry(TerminalResults.REPLAY_OF, "r2");
        });
    }

    @Test
    void shouldGiveAWaitingDuplicateDeadlineExceededAtItsOwnDeadline() {
        start();
        long start = RouterDriver.START.toEpochMilli();
        lead(keyed("r1", "order-42"));
        router.submit(LlmRequest.newBuilder(keyed("r2", "order-42")).setDeadlineEpochMs(start + 5_000).build());
        router.submit(keyed("r3", "order-42"));

        router.advance(Duration.ofSeconds(6));

        assertThat(router.results.readValuesToList()).singleElement().satisfies(r -> {
            assertThat(r.getRequestId()).isEqualTo("r2");
            assertThat(r.getError().getKind()).isEqualTo(ErrorKind.DEADLINE_EXCEEDED);
            assertThat(r.getError().getMessage()).contains("same idempotency key");
        });
    }

    @Test
    void shouldLetAWaitingDuplicateGoOnWhenTheFirstIsLostForTheInFlightTimeout() {
        start();
        lead(keyed("r1", "order-42"));
        router.submit(keyed("r2", "order-42"));

        router.advance(Duration.ofSeconds(110));
        assertThat(router.assigned.isEmpty()).as("still waiting at 110 s of 120").isTrue();
        router.advance(Duration.ofSeconds(20));

        assertThat(router.assigned.readValue().getRequest().getRequestId()).isEqualTo("r2");
    }

    @Test
    void shouldGiveADuplicateTheCacheHitItsFirstRequestGot() {
        start();
        LlmRequest deterministic = Requests.valid("r1").setIdempotencyKey("k").build();
        router.submit(deterministic);
        LlmAssignment first = router.assigned.readValue();
        answer(first, 640, "Hello.");
        router.submit(Requests.valid("r2").setIdempotencyKey("k2").build());
        router.submit(Requests.valid("r3").setIdempotencyKey("k2").build());

        assertThat(router.assigned.isEmpty()).isTrue();
        List<LlmResult> answers = routerResults();
        assertThat(answers).extracting(LlmResult::getRequestId).containsExactly("r2", "r3");
        assertThat(answers.get(0).getMetadata()).doesNotContainKey(TerminalResults.REPLAY_OF);
        assertThat(answers.get(1).getMetadata()).containsEntry(TerminalResults.REPLAY_OF, "r2");
        assertThat(answers).allSatisfy(r -> assertThat(r.getOutput()).isEqualTo("Hello."));
    }

    @Test
    void shouldRefuseABlankOrOverlongIdempotencyKey() {
        start();
        router.submit(keyed("blank", " "));
        router.submit(keyed("long", "k".repeat(257)));

        assertThat(router.assigned.isEmpty()).isTrue();
        assertThat(router.results.readValuesToList()).allSatisfy(r -> {
            assertThat(r.getError().getKind()).isEqualTo(ErrorKind.INVALID_REQUEST);
            assertThat(r.getError().getMessage()).startsWith("idempotency_key must be 1 to 256 non-blank characters");
        }).hasSize(2);
    }
}
