package io.llmpipeline.router.internals.coalescing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.llmpipeline.router.RouterDriver;
import io.llmpipeline.router.Requests;
import io.llmpipeline.router.TestCatalogs;
import io.llmpipeline.router.WorkerDouble;
import io.llmpipeline.schemas.CachePolicy;
import io.llmpipeline.schemas.ErrorInfo;
import io.llmpipeline.schemas.ErrorKind;
import io.llmpipeline.schemas.LlmAssignment;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.ResultReadBack;
import io.llmpipeline.schemas.ResultStatus;
import io.llmpipeline.schemas.Usage;

/** The response cache and in-flight coalescing through the whole topology; the test plays the worker. */
class CacheTest {
    private RouterDriver router;

    @AfterEach
    void close() {
        router.close();
    }

    private void start(String cache) {
        router = new RouterDriver(TestCatalogs.demoWith(cache));
    }

    private void startDefault() {
        start("cache: {policy: conservative, ttlSeconds: 3600, inFlightTimeoutSeconds: 600, compressAboveBytes: 4096}");
    }

    private LlmAssignment lead(LlmRequest request) {
        router.submit(request);
        LlmAssignment a = router.assigned.readValue();
        assertThat(a.getRequest().getRequestId()).isEqualTo(request.getRequestId());
        assertThat(a.getCacheKey()).hasSize(64);
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

    /** Results the router wrote, ignoring what the test itself piped in. */
    private List<LlmResult> routerResults() {
        return router.results.readValuesToList().stream().filter(r -> r.getCacheHit() || r.getStatus() == ResultStatus.ERROR
                && !r.getError().getMessage().equals("provider said no")).toList();
    }

    @Test
    void shouldAnswerAnIdenticalRequestFromTheCacheWithoutCallingTheProvider() {
        startDefault();
        LlmAssignment leader = lead(Requests.valid("r1").build());
        answer(leader, 500, "Hello, world.");

        router.submit(Requests.valid("r2").setTenantId("beta").build());

        assertThat(router.assigned.isEmpty()).isTrue();
        LlmResult hit = routerResults().getLast();
        assertThat(hit.getRequestId()).isEqualTo("r2");
        assertThat(hit.getTenantId()).isEqualTo("beta");
        assertThat(hit.getCacheHit()).isTrue();
        assertThat(hit.getStatus()).isEqualTo(ResultStatus.OK);
        assertThat(hit.getOutput()).isEqualTo("Hello, world.");
        assertThat(hit.getCostMicros()).isZero();
        assertThat(hit.getSavedCostMicros()).isEqualTo(500);
        assertThat(hit.getSavedTokens()).isEqualTo(30);
        assertThat(hit.getCacheKey()).isEqualTo(leader.getCacheKey());
    }

    @Test
    void shouldMarkItsOwnCacheHitsAndSkipMarkedResultsUndecodedWhenReadingThemBack() {
        startDefault();
        LlmAssignment leader = lead(Requests.valid("r1").build());
        answer(leader, 500, "Hello, world.");
        router.results.readRecordsToList();

        router.submit(Requests.valid("r2").build());

        var hit = router.results.readRecord();
        assertThat(hit.value().getCacheHit()).isTrue();
        assertThat(hit.headers().lastHeader(ResultReadBack.IGNORE_HEADER)).as("the router has no use for its own hit").isNotNull();

        var raw = router.rawResults;
        byte[] garbage = "not avro".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        raw.pipeInput(new org.apache.kafka.streams.test.TestRecord<>("x1", garbage,
                new org.apache.kafka.common.header.internals.RecordHeaders().add(ResultReadBack.IGNORE_HEADER, new byte[] {'1'})));
        assertThat(router.dlq.isEmpty()).as("a marked result is never decoded").isTrue();
        raw.pipeInput("x2", garbage);
        assertThat(router.dlq.readValue().getReason()).contains("LlmResult");
    }

    @Test
    void shouldNotMarkALeadersRefusalSinceItsWaitersNeedIt() {
        router = new RouterDriver(TestCatalogs.demoWith("""
                cache: {policy: conservative}
                budgets:
                  limits:
                    - {scope: tenant, key: poor, limitUsd: 0.000001}
                """));
        router.submit(Requests.valid("r1").setTenantId("poor").build());

        var refused = router.results.readRecord();
        assertThat(refused.value().getError().getKind()).isEqualTo(ErrorKind.BUDGET_EXCEEDED);
        assertThat(refused.headers().lastHeader(ResultReadBack.IGNORE_HEADER)).isNull();
    }

    @Test
    void shouldMissForADifferentPrompt() {
        startDefault();
        answer(lead(Requests.valid("r1").build()), 500, "Hello");

        lead(Requests.valid("r2").setMessages(List.of(new io.llmpipeline.schemas.ChatMessage(
                io.llmpipeline.schemas.Role.USER, "Something else", null, null))).build());
    }

    @Test
    void shouldExpireAnAnswerAfterTheRequestsTtl() {
        startDefault();
        answer(lead(Requests.valid("r1").setCacheTtlSeconds(10).build()), 500, "Hello");
        router.advance(Duration.ofSeconds(9));
        router.submit(Requests.valid("r2").build());
        assertThat(router.assigned.isEmpty()).as("still cached at 9 s").isTrue();

        router.advance(Duration.ofSeconds(2));

        lead(Requests.valid("r3").build());
    }

    @Test
    void shouldUseTheRoutesTtlAndDropExpiredEntriesByPunctuator() {
        router = new RouterDriver(TestCatalogs.demoModelsWith("""
                routes:
                  - match: ""
                    candidates: [gpt-4o-mini]
                    cacheTtlSeconds: 30
                """));
        answer(lead(Requests.valid("r1").build()), 500, "Hello");
        KeyValueStore<String, CacheEntry> entries = router.driver.getKeyValueStore("cache-entries");
        assertThat(entries.approximateNumEntries()).isEqualTo(1);

        router.advance(Duration.ofSeconds(61));

        assertThat(entries.approximateNumEntries()).isZero();
        lead(Requests.valid("r2").build());
    }

    @Test
    void shouldMakeIdenticalRequestsInFlightWaitForTheFirstAnswer() {
        startDefault();
        LlmAssignment leader = lead(Requests.valid("r1").build());
        for (int i = 2; i <= 5; i++) {
            router.submit(Requests.valid("r" + i).build());
        }
        assertThat(router.assigned.isEmpty()).as("followers never reach the worker").isTrue();
        assertThat(router.results.isEmpty()).isTrue();

        answer(leader, 700, "Hi");

        List<LlmResult> hits = routerResults();
        assertThat(hits).extracting(LlmResult::getRequestId).containsExactly("r2", "r3", "r4", "r5");
        assertThat(hits).allSatisfy(h -> {
            assertThat(h.getCacheHit()).isTrue();
            assertThat(h.getSavedCostMicros()).isEqualTo(700);
            assertThat(h.getOutput()).isEqualTo("Hi");
        });
    }

    @Test
    void shouldPromoteTheOldestWaiterWhenTheLeaderFailsForItsOwnReason() {
        startDefault();
        LlmAssignment leader = lead(Requests.valid("r1").build());
        router.submit(Requests.valid("r2").build());
        router.submit(Requests.valid("r3").build());

        fail(leader, ErrorKind.UNAVAILABLE);

        LlmAssignment promoted = router.assigned.readValue();
        assertThat(promoted.getRequest().getRequestId()).isEqualTo("r2");
        assertThat(router.assigned.isEmpty()).as("one call at a time").isTrue();
        router.results.readValuesToList();
        answer(promoted, 300, "Second try");
        List<LlmResult> hits = routerResults();
        assertThat(hits).extracting(LlmResult::getRequestId).containsExactly("r3");
        assertThat(hits.getFirst().getOutput()).isEqualTo("Second try");
    }

    @Test
    void shouldGiveEveryWaiterTheLeadersErrorWhenThePromptItselfFails() {
        startDefault();
        LlmAssignment leader = lead(Requests.valid("r1").build());
        router.submit(Requests.valid("r2").build());
        router.submit(Requests.valid("r3").build());

        fail(leader, ErrorKind.CONTEXT_OVERFLOW);

        assertThat(router.assigned.isEmpty()).isTrue();
        List<LlmResult> errors = router.results.readValuesToList().stream()
                .filter(r -> !r.getRequestId().equals("r1")).toList();
        assertThat(errors).extracting(LlmResult::getRequestId).containsExactly("r2", "r3");
        assertThat(errors).allSatisfy(e -> {
            assertThat(e.getError().getKind()).isEqualTo(ErrorKind.CONTEXT_OVERFLOW);
            assertThat(e.getError().getMessage()).isEqualTo("an identical request (r1) failed: provider said no");
        });
    }

    @Test
    void shouldPromoteAWaiterWhenTheLeaderIsRefusedByItsBudget() {
        router = new RouterDriver(TestCatalogs.demoWith("""
                cache: {policy: conservative}
                budgets:
                  limits:
                    - {scope: tenant, key: poor, limitUsd: 0.000001}
                """));
        router.submit(Requests.valid("r1").setTenantId("poor").build());
        router.submit(Requests.valid("r2").setTenantId("rich").build());

        LlmResult refused = router.results.readValue();
        assertThat(refused.getRequestId()).isEqualTo("r1");
        assertThat(refused.getError().getKind()).isEqualTo(ErrorKind.BUDGET_EXCEEDED);
        LlmAssignment promoted = router.assigned.readValue();
        assertThat(promoted.getRequest().getRequestId()).isEqualTo("r2");
    }

    @Test
    void shouldGiveAWaiterDeadlineExceededWhenItsDeadlinePassesWhileWaiting() {
        startDefault();
        long start = RouterDriver.START.toEpochMilli();
        lead(Requests.valid("r1").build());
        router.submit(Requests.valid("r2").setDeadlineEpochMs(start + 5_000).build());
        router.submit(Requests.valid("r3").build());

        router.advance(Duration.ofSeconds(6));

        List<LlmResult> results = router.results.readValuesToList();
        assertThat(results).extracting(LlmResult::getRequestId).containsExactly("r2");
        assertThat(results.getFirst().getError().getKind()).isEqualTo(ErrorKind.DEADLINE_EXCEEDED);
    }

    @Test
    void shouldPromoteAWaiterWhenTheLeaderIsAbandoned() {
        start("cache: {policy: conservative, inFlightTimeoutSeconds: 30}");
        lead(Requests.valid("r1").build());
        router.submit(Requests.valid("r2").build());

        router.advance(Duration.ofSeconds(31));

        assertThat(router.assigned.readValue().getRequest().getRequestId()).isEqualTo("r2");
    }

    @Test
    void shouldCacheOnlyDeterministicRequestsUnderTheConservativePolicy() {
        startDefault();
        router.submit(Requests.valid("warm").setParams(Requests.params().setTemperature(0.7).build()).build());
        router.submit(Requests.valid("warm2").setParams(Requests.params().setTemperature(0.7).build()).build());
        List<LlmAssignment> both = router.assigned.readValuesToList();
        assertThat(both).hasSize(2).allSatisfy(a -> assertThat(a.getCacheKey()).isNull());

        router.submit(Requests.valid("seeded").setParams(Requests.params().setTemperature(0.7).setSeed(42L).build()).build());
        assertThat(router.assigned.readValue().getCacheKey()).isNotNull();
        router.submit(Requests.valid("opt-out").setCachePolicy(CachePolicy.DISABLED).build());
        assertThat(router.assigned.readValue().getCacheKey()).isNull();
        router.submit(Requests.valid("opt-in").setCachePolicy(CachePolicy.AGGRESSIVE)
                .setParams(Requests.params().setTemperature(1.0).build()).build());
        assertThat(router.assigned.readValue().getCacheKey()).isNotNull();
    }

    @Test
    void shouldNeverCacheUnderTheDisabledPolicyUnlessTheRequestAsks() {
        start("cache: {policy: disabled}");
        router.submit(Requests.valid("a").build());
        router.submit(Requests.valid("b").build());
        assertThat(router.assigned.readValuesToList()).hasSize(2).allSatisfy(a -> assertThat(a.getCacheKey()).isNull());
    }

    @Test
    void shouldCompressLargeAnswersAndServeThemIntact() {
        startDefault();
        String big = "lorem ipsum dolor sit amet ".repeat(1_000);
        answer(lead(Requests.valid("r1").build()), 900, big);
        KeyValueStore<String, CacheEntry> entries = router.driver.getKeyValueStore("cache-entries");
        CacheEntry entry;
        try (var it = entries.all()) {
            entry = it.next().value;
        }
        assertThat(entry.compressed()).isTrue();
        assertThat(entry.result().length).isLessThan(big.length() / 10);

        router.submit(Requests.valid("r2").build());
        assertThat(routerResults().getLast().getOutput()).isEqualTo(big);
    }

    @Test
    void shouldNotCacheAnswersAboveTheMaximumSizeButStillAnswerWaiters() {
        start("cache: {policy: conservative, maxEntryBytes: 1000, compressAboveBytes: 100000}");
        LlmAssignment leader = lead(Requests.valid("r1").build());
        router.submit(Requests.valid("r2").build());
        answer(leader, 100, "x".repeat(5_000));

        assertThat(routerResults()).extracting(LlmResult::getRequestId).containsExactly("r2");
        lead(Requests.valid("r3").build());
    }
}
