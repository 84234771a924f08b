package io.llmpipeline.router.internals.assignment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.llmpipeline.router.Invocations;
import io.llmpipeline.router.RouterDriver;
import io.llmpipeline.router.Requests;
import io.llmpipeline.router.TestCatalogs;
import io.llmpipeline.router.WorkerDouble;
import io.llmpipeline.router.internals.budget.BudgetStage;
import io.llmpipeline.router.internals.budget.Ledger;
import io.llmpipeline.router.internals.coalescing.IdempotencyKeys;
import io.llmpipeline.schemas.LlmAssignment;

class ShadowTest {
    private RouterDriver router;

    @AfterEach
    void close() {
        router.close();
    }

    private void start(String shadow, String extra) {
        router = new RouterDriver(TestCatalogs.demoModelsWith("""
                routes:
                  - match: ""
                    candidates: [gpt-4o-mini]
                    shadow: %s
                cache: {policy: conservative}
                %s
                """.formatted(shadow, extra)));
    }

    @Test
    void shouldSendASampledRequestAlsoToTheShadowModel() {
        start("{model: gpt-4o, sampleRate: 1.0, enabled: true}", "");

        router.submit(Requests.valid("r1").build());

        List<LlmAssignment> out = router.assigned.readValuesToList();
        assertThat(out).hasSize(2);
        LlmAssignment main = out.get(0);
        LlmAssignment shadow = out.get(1);
        assertThat(main.getShadow()).isFalse();
        assertThat(main.getTarget().getModel()).isEqualTo("gpt-4o-mini");
        assertThat(shadow.getShadow()).isTrue();
        assertThat(shadow.getShadowOf()).isEqualTo("r1");
        assertThat(shadow.getRequest().getRequestId()).isEqualTo("r1#shadow");
        assertThat(shadow.getTarget().getModel()).isEqualTo("gpt-4o");
        assertThat(shadow.getFallbackChain()).isEmpty();
        assertThat(shadow.getCacheKey()).isNull();
        assertThat(shadow.getEstimatedCostMicros()).isGreaterThan(main.getEstimatedCostMicros());
    }

    @Test
    void shouldNotLetAShadowCarryItsOriginalsIdempotencyKeyBack() {
        start("{model: gpt-4o, sampleRate: 1.0, enabled: true}", "");

        router.submit(Requests.valid("r1").setIdempotencyKey("order-42").build());

        List<LlmAssignment> out = router.assigned.readValuesToList();
        assertThat(out.get(0).getRequest().getMetadata()).containsEntry(IdempotencyKeys.KEY_METADATA, "order-42");
        assertThat(out.get(1).getRequest().getMetadata()).doesNotContainKey(IdempotencyKeys.KEY_METADATA)
                .containsEntry("caller", "test");
    }

    @Test
    void shouldSendNoShadowUnlessEnabled() {
        start("{model: gpt-4o, sampleRate: 1.0}", "");
        router.submit(Requests.valid("r1").build());
        assertThat(router.assigned.readValuesToList()).hasSize(1);
    }

    @Test
    void shouldSampleAboutTheConfiguredShare() {
        start("{model: gpt-4o, sampleRate: 0.25, enabled: true}", "");
        long sampled = IntStream.range(0, 4_000).filter(i -> ShadowSampling.sampled("req-" + i, 0.25)).count();
        assertThat(sampled).isBetween(900L, 1_100L);
        assertThat(ShadowSampling.sampled("req-7", 0.25)).as("a replay decides the same").isEqualTo(ShadowSampling.sampled("req-7", 0.25));
    }

    @Test
    void shouldNotShadowCacheHitsOrWaiters() {
        start("{model: gpt-4o, sampleRate: 1.0, enabled: true}", "");
        router.submit(Requests.valid("r1").build());
        List<LlmAssignment> first = router.assigned.readValuesToList();
        router.submit(Requests.valid("r2").build()); // waits for r1
        router.resultsIn.pipeInput("r1", WorkerDouble.ok(first.getFirst(), 100));
        router.submit(Requests.valid("r3").build()); // cache hit

        assertThat(router.assigned.isEmpty()).isTrue();
    }

    @Test
    void shouldBudgetShadowCallsAndNeverAnswerForThem() {
        // the main call reserves ~63 micro-dollars on gpt-4o-mini, the gpt-4o shadow ~1 050: over the limit
        start("{model: gpt-4o, sampleRate: 1.0, enabled: true}", """
                budgets:
                  limits:
                    - {scope: tenant, key: acme, limitUsd: 0.0005}
                """);
        router.submit(Requests.valid("r1").build());

        List<LlmAssignment> out = router.assigned.readValuesToList();
        assertThat(out).extracting(a -> a.getRequest().getRequestId()).containsExactly("r1");
        assertThat(router.results.isEmpty()).as("no result for a refused shadow").isTrue();
    }

    @Test
    void shouldReconcileAShadowsActualCost() {
        start("{model: gpt-4o, sampleRate: 1.0, enabled: true}", """
                budgets:
                  limits:
                    - {scope: tenant, key: acme, limitUsd: 1}
                """);
        router.submit(Requests.valid("r1").build());
        LlmAssignment shadow = router.assigned.readValuesToList().get(1);

        router.invocations.pipeInput("r1#shadow", Invocations.of(shadow, 1, 400, true).build());

        var store = router.driver.<String, Ledger>getKeyValueStore(BudgetStage.TENANT.ledgerStore());
        try (var it = store.all()) {
            Ledger ledger = it.next().value;
            assertThat(ledger.spentMicros()).isEqualTo(400);
        }
    }
}
