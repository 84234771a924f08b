package io.llmpipeline.router.internals.assignment;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.llmpipeline.router.Invocations;
import io.llmpipeline.router.RouterDriver;
import io.llmpipeline.router.Requests;
import io.llmpipeline.router.TestCatalogs;
import io.llmpipeline.schemas.BreakerState;
import io.llmpipeline.schemas.ChatMessage;
import io.llmpipeline.schemas.ErrorKind;
import io.llmpipeline.schemas.InvocationOutcome;
import io.llmpipeline.schemas.LlmAssignment;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.ModelRef;
import io.llmpipeline.schemas.ProviderHealth;
import io.llmpipeline.schemas.Role;

/**
 * Model assignment through the whole topology. Demo models: gpt-4o-mini (tier 2, 128k window,
 * $0.15/$0.60), gpt-4o (tier 4, 128k, $2.50/$10), gpt-3.5-turbo (tier 1, 16k window, max output
 * 4096, $0.50/$1.50).
 */
class ModelAssignmentTest {
    private RouterDriver router;

    @AfterEach
    void close() {
        router.close();
    }

    private io.llmpipeline.catalog.Catalog catalog;

    private void route(String strategy, String candidates, String extra) {
        catalog = TestCatalogs.demoModelsWith("""
                routes:
                  - match: ""
                    candidates: [%s]
                    strategy: %s
                %s
                cache: {policy: disabled}
                """.formatted(candidates, strategy, extra));
        router = new RouterDriver(catalog);
    }

    private LlmAssignment assign(String id) {
        router.submit(Requests.valid(id).build());
        return router.assigned.readValue();
    }

    private LlmResult refuse(io.llmpipeline.schemas.LlmRequest request) {
        router.submit(request);
        assertThat(router.assigned.isEmpty()).isTrue();
        return router.results.readValue();
    }

    private void health(String model, BreakerState state, Long cooldownUntil) {
        router.health.pipeInput("sim-openai/" + model, ProviderHealth.newBuilder().setProvider("sim-openai").setModel(model)
                .setBreakerState(state).setCooldownUntilMs(cooldownUntil).setUpdatedAtMs(0).build());
    }

    /** Plays the worker: {@code n} attempts on a model with the given outcome and latency, then publishes statistics. */
    private void observe(String model, int n, InvocationOutcome outcome, long latencyMs) {
        LlmAssignment shape = LlmAssignment.newBuilder().setRequest(Requests.valid("x").build()).setRoute("")
                .setTarget(new ModelRef("sim-openai", model)).setEstimatedInputTokens(20).setEstimatedCostMicros(100)
                .setAssignedAtMs(0).build();
        // billed at the model's catalog price for 20 input and 10 output tokens
        long cost = io.llmpipeline.catalog.CostCalculator.costMicros(
                io.llmpipeline.catalog.CatalogLoader.loadDefault().requireModel(model).price(), 20, 10, 0, 0);
        for (int i = 0; i < n; i++) {
            router.invocations.pipeInput("obs-" + model + i, Invocations.of(shape, 1, cost, true)
                    .setRequestId("obs-" + model + i).setOutcome(outcome).setStartedAtMs(1_000).setEndedAtMs(1_000 + latencyMs).build());
        }
        router.advance(Duration.ofSeconds(1));
    }

    @Test
    void shouldSkipAModelWhoseBreakerIsOpenAndKeepItBehindEveryHealthyOne() {
        route("ordered", "gpt-4o-mini, gpt-3.5-turbo, gpt-4o", "");
        health("gpt-4o-mini", BreakerState.OPEN, null);

        LlmAssignment a = assign("r1");

        assertThat(a.getTarget().getModel()).isEqualTo("gpt-3.5-turbo");
        assertThat(a.getFallbackChain()).extracting(ModelRef::getModel).containsExactly("gpt-4o", "gpt-4o-mini");
    }

    @Test
    void shouldSkipAModelThatIsCoolingDownUntilTheCooldownEnds() {
        route("ordered", "gpt-4o-mini, gpt-3.5-turbo", "");
        long now = RouterDriver.START.toEpochMilli();
        health("gpt-4o-mini", BreakerState.CLOSED, now + 10_000);

        assertThat(assign("r1").getTarget().getModel()).isEqualTo("gpt-3.5-turbo");
        router.advance(Duration.ofSeconds(11));
        assertThat(assign("r2").getTarget().getModel()).isEqualTo("gpt-4o-mini");
    }

    @Test
    void shouldAssignDownCandidatesForTheWorkerToWaitOnWhenEveryCandidateIsDown() {
        route("ordered", "gpt-4o-mini, gpt-3.5-turbo", "");
        health("gpt-4o-mini", BreakerState.OPEN, null);
        health("gpt-3.5-turbo", BreakerState.CLOSED, RouterDriver.START.toEpochMilli() + 10_000);

        LlmAssignment a = assign("r1");

        // the worker waits for the first to recover within the request's deadline (issue: wait, then fail)
        assertThat(a.getTarget().getModel()).isEqualTo("gpt-4o-mini");
        assertThat(a.getFallbackChain()).extracting(ModelRef::getModel).containsExactly("gpt-3.5-turbo");
    }

    @Test
    void shouldFailWithUnavailableWhenEveryCandidateIsForcedOpen() {
        route("ordered", "gpt-4o-mini, gpt-3.5-turbo", "");
        health("gpt-4o-mini", BreakerState.FORCED_OPEN, null);
        health("gpt-3.5-turbo", BreakerState.FORCED_OPEN, null);

        LlmResult result = refuse(Requests.valid("r1").build());

        assertThat(result.getError().getKind()).isEqualTo(ErrorKind.UNAVAILABLE);
        assertThat(result.getError().getMessage()).isEqualTo(
                "every candidate is unavailable: gpt-4o-mini (breaker FORCED_OPEN), gpt-3.5-turbo (breaker FORCED_OPEN)");
    }

    @Test
    void shouldEscalateToALargerContextCandidateWhenThePromptDoesNotFit() {
        route("ordered", "gpt-3.5-turbo, gpt-4o-mini", "");
        String longText = "word ".repeat(14_000); // about 14 000 tokens
        router.submit(Requests.valid("r1").setMessages(List.of(new ChatMessage(Role.USER, longText, null, null)))
                .setParams(Requests.params().setMaxTokens(4_000).build()).build());

        LlmAssignment a = router.assigned.readValue();

        assertThat(a.getTarget().getModel()).isEqualTo("gpt-4o-mini");
        assertThat(a.getFallbackChain()).isEmpty();
    }

    @Test
    void shouldEscalateWhenMaxTokensExceedsTheModelsMaximumOutput() {
        route("ordered", "gpt-3.5-turbo, gpt-4o-mini", "");
        router.submit(Requests.valid("r1").setParams(Requests.params().setMaxTokens(8_000).build()).build());
        assertThat(router.assigned.readValue().getTarget().getModel()).isEqualTo("gpt-4o-mini");
    }

    @Test
    void shouldFailWithContextOverflowWhenNoCandidateHoldsThePrompt() {
        route("ordered", "gpt-3.5-turbo", "");
        String longText = "word ".repeat(17_000);

        LlmResult result = refuse(Requests.valid("r1").setMessages(List.of(new ChatMessage(Role.USER, longText, null, null)))
                .setParams(Requests.params().setMaxTokens(100).build()).build());

        assertThat(result.getError().getKind()).isEqualTo(ErrorKind.CONTEXT_OVERFLOW);
        assertThat(result.getError().getMessage()).startsWith("the prompt plus 100 output tokens does not fit any available candidate: "
                + "gpt-3.5-turbo (window 16385, max output 4096, prompt ");
    }

    @Test
    void shouldPickTheCheapestUnderTheCostStrategy() {
        route("cost", "gpt-4o, gpt-3.5-turbo, gpt-4o-mini", "");
        LlmAssignment a = assign("r1");
        assertThat(a.getTarget().getModel()).isEqualTo("gpt-4o-mini");
        assertThat(a.getFallbackChain()).extracting(ModelRef::getModel).containsExactly("gpt-3.5-turbo", "gpt-4o");
    }

    @Test
    void shouldRankByObservedCostOnceInvocationsShowIt() {
        route("cost", "gpt-4o-mini, gpt-3.5-turbo", "");
        // by the catalog gpt-4o-mini is cheaper; observed, gpt-4o-mini bills 50 000 micro-dollars per 30 tokens
        LlmAssignment shape = LlmAssignment.newBuilder().setRequest(Requests.valid("x").build()).setRoute("")
                .setTarget(new ModelRef("sim-openai", "gpt-4o-mini")).setEstimatedInputTokens(20).setEstimatedCostMicros(100)
                .setAssignedAtMs(0).build();
        router.invocations.pipeInput("o1", Invocations.of(shape, 1, 50_000, true).setRequestId("o1").build());
        router.advance(Duration.ofSeconds(1));

        assertThat(assign("r1").getTarget().getModel()).isEqualTo("gpt-3.5-turbo");
    }

    @Test
    void shouldPickTheCheapestAtOrAboveTheMinimumTierUnderTheCapabilityStrategy() {
        route("capability", "gpt-4o-mini, gpt-3.5-turbo, gpt-4o", "    minTier: 2");
        LlmAssignment a = assign("r1");
        assertThat(a.getTarget().getModel()).isEqualTo("gpt-4o-mini");
        assertThat(a.getFallbackChain()).extracting(ModelRef::getModel).containsExactly("gpt-4o");
    }

    @Test
    void shouldWaitOnTheOnlyCandidateOfTheMinimumTierWhenItIsDownRatherThanDropBelowTheTier() {
        route("capability", "gpt-4o-mini, gpt-3.5-turbo, gpt-4o", "    minTier: 4");
        health("gpt-4o", BreakerState.OPEN, null);

        LlmAssignment a = assign("r1");

        assertThat(a.getTarget().getModel()).isEqualTo("gpt-4o");
        assertThat(a.getFallbackChain()).isEmpty();
    }

    @Test
    void shouldRefuseWhenTheOnlyCandidateOfTheMinimumTierIsForcedOpen() {
        route("capability", "gpt-4o-mini, gpt-3.5-turbo, gpt-4o", "    minTier: 4");
        health("gpt-4o", BreakerState.FORCED_OPEN, null);

        LlmResult result = refuse(Requests.valid("r1").build());

        assertThat(result.getError().getKind()).isEqualTo(ErrorKind.UNAVAILABLE);
        assertThat(result.getError().getMessage()).isEqualTo(
                "no available candidate of route '' reaches capability tier 4; unavailable: gpt-4o (breaker FORCED_OPEN)");
    }

    @Test
    void shouldPickTheFastestObservedP95UnderTheSpeedStrategy() {
        route("speed", "gpt-4o-mini, gpt-3.5-turbo, gpt-4o", "");
        observe("gpt-4o-mini", 20, InvocationOutcome.SUCCESS, 900);
        observe("gpt-3.5-turbo", 20, InvocationOutcome.SUCCESS, 300);
        observe("gpt-4o", 20, InvocationOutcome.SUCCESS, 600);

        LlmAssignment a = assign("r1");

        assertThat(a.getTarget().getModel()).isEqualTo("gpt-3.5-turbo");
        assertThat(a.getFallbackChain()).extracting(ModelRef::getModel).containsExactly("gpt-4o", "gpt-4o-mini");
    }

    @Test
    void shouldPickTheMostReliableUnderTheReliabilityStrategy() {
        route("reliability", "gpt-4o-mini, gpt-3.5-turbo", "");
        observe("gpt-4o-mini", 10, InvocationOutcome.FAILURE, 100);
        observe("gpt-4o-mini", 10, InvocationOutcome.SUCCESS, 100);
        observe("gpt-3.5-turbo", 20, InvocationOutcome.SUCCESS, 100);

        assertThat(assign("r1").getTarget().getModel()).isEqualTo("gpt-3.5-turbo");
    }

    @Test
    void shouldWeighCostLatencyAndFailuresUnderTheBalancedStrategy() {
        route("balanced", "gpt-4o, gpt-4o-mini", "");
        // gpt-4o-mini: 1/16 of the cost, p95 4 000 ms (the slowest), 2 of 12 calls succeeded:
        //   (0.06 + 1 + 0.79) / 3 = 0.62
        // gpt-4o: the dearest, p95 500 ms, 20 of 20 succeeded: (1 + 0.125 + 0.05) / 3 = 0.39
        observe("gpt-4o-mini", 10, InvocationOutcome.FAILURE, 100);
        observe("gpt-4o-mini", 2, InvocationOutcome.SUCCESS, 4_000);
        observe("gpt-4o", 20, InvocationOutcome.SUCCESS, 500);
        assertThat(assign("r1").getTarget().getModel()).isEqualTo("gpt-4o");
    }

    @Test
    void shouldPreferTheCheapModelUnderBalancedWhenBothBehaveAlike() {
        route("balanced", "gpt-4o, gpt-4o-mini", "");
        observe("gpt-4o-mini", 20, InvocationOutcome.SUCCESS, 500);
        observe("gpt-4o", 20, InvocationOutcome.SUCCESS, 500);
        assertThat(assign("r1").getTarget().getModel()).isEqualTo("gpt-4o-mini");
    }

    @Test
    void shouldBuildLiveStatisticsFromInvocationEvents() {
        route("ordered", "gpt-4o-mini", "");
        observe("gpt-4o-mini", 19, InvocationOutcome.SUCCESS, 200);
        observe("gpt-4o-mini", 1, InvocationOutcome.SUCCESS, 5_000);

        KeyValueStore<String, ValueAndTimestamp<ModelStats>> store = router.driver.getTimestampedKeyValueStore(ModelAssignment.STATS_STORE);
        // one partition in this driver: the partial of partition 0 is the whole
        ModelStats stats = store.get("sim-openai/gpt-4o-mini@p0").value();

        assertThat(stats.calls()).isEqualTo(20);
        assertThat(stats.p95LatencyMs()).isEqualTo(200);
        assertThat(stats.successRate()).isEqualTo(21.0 / 22.0);
        // 20 x $0.15 + 10 x $0.60 per million = 9 micro-dollars per 30 tokens
        assertThat(stats.microsPer1kTokens()).isEqualTo(9L * 1000 / 30);
    }

    @Test
    void shouldRankOnTheStatisticsOfEveryPartitionMerged() {
        route("reliability", "gpt-4o-mini, gpt-3.5-turbo", "");
        var partials = router.driver.createInputTopic(io.llmpipeline.router.RouterTopology.statsTopic(catalog),
                new org.apache.kafka.common.serialization.StringSerializer(),
                io.llmpipeline.router.internals.JsonSerde.of(ModelStats.class).serializer());
        // partition 0 alone would rank gpt-4o-mini first (41/42 against 21/22); with partition 1 it is 41/82
        partials.pipeInput("sim-openai/gpt-4o-mini@p0", new ModelStats(40, 40, java.util.List.of(100L), 0, 0, 0, 1));
        partials.pipeInput("sim-openai/gpt-4o-mini@p1", new ModelStats(40, 0, java.util.List.of(), 0, 0, 0, 1));
        partials.pipeInput("sim-openai/gpt-3.5-turbo@p0", new ModelStats(20, 20, java.util.List.of(100L), 0, 0, 0, 1));
        // a model named on past "@p" shares the prefix and must not count as a partition of gpt-4o-mini
        partials.pipeInput("sim-openai/gpt-4o-mini@pinned@p0", new ModelStats(1000, 1000, java.util.List.of(), 0, 0, 0, 1));

        assertThat(assign("r1").getTarget().getModel()).isEqualTo("gpt-3.5-turbo");
    }
}
