package io.llmpipeline.worker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.llmpipeline.schemas.BreakerState;
import io.llmpipeline.schemas.ErrorKind;
import io.llmpipeline.schemas.InvocationEvent;
import io.llmpipeline.schemas.InvocationOutcome;
import io.llmpipeline.schemas.LlmAssignment;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.ModelRef;
import io.llmpipeline.schemas.Priority;
import io.llmpipeline.schemas.ProviderHealth;
import io.llmpipeline.schemas.ResultStatus;
import io.llmpipeline.schemas.Usage;
import io.llmpipeline.catalog.CostCalculator;
import io.llmpipeline.sim.FaultScript;
import io.llmpipeline.worker.Worker;
import io.llmpipeline.worker.run.RequestRun;

/**
 * Each resilience guard against provider-sim fault scripts, on the real broker: what needs a real
 * socket (wire formats, cut streams, API keys, concurrency and rates as the provider counts them).
 * Waits, deadlines and Retry-After are driven by hand-moved time in {@code RequestRunTest}.
 */
class GuardsIT extends WithSimulator {
    private static final ModelRef GPT_A = new ModelRef("openai", "gpt-a");
    private static final ModelRef GPT_B = new ModelRef("openai", "gpt-b");
    private static final ModelRef CLAUDE = new ModelRef("anthropic", "claude-a");
    private static final ModelRef LLAMA = new ModelRef("ollama", "llama-a");
    private static final ModelRef LLAMA_SMALL = new ModelRef("ollama", "llama-small");
    private static final ModelRef GEMINI = new ModelRef("gemini", "gemini-a");
    /** Small breakers and short waits, so that a test sees them act within seconds. */
    private static final String FAST_GUARDS = "{minimumCalls: 5, slidingWindow: 10, waitInOpenMs: 500, cooldownMs: 500, "
            + "retryInitialBackoffMs: 50, retryMaxBackoffMs: 200}";

    @BeforeEach
    void resetSim() {
        sim.clearScripts();
        sim.resetStats();
    }

    private static PipelineHarness harness(String name, String guards) {
        return new PipelineHarness(name, PipelineHarness.fourProviders(sim.baseUrl(), guards));
    }

    private static Map<String, LlmResult> byId(List<LlmResult> results) {
        return results.stream().collect(Collectors.toMap(LlmResult::getRequestId, Function.identity()));
    }

    private static List<InvocationEvent> eventsOf(List<InvocationEvent> events, String requestId) {
        return events.stream().filter(e -> e.getRequestId().equals(requestId))
                .sorted(Comparator.comparingInt(InvocationEvent::getAttempt)).toList();
    }

    @Test
    void shouldAnswerThroughEachOfTheFourWireFormatsPlainAndStreamed() {
        try (PipelineHarness h = harness("formats", FAST_GUARDS);
             Worker ignored = Worker.start(h.catalog(), h.bootstrap(), "w1")) {
            for (ModelRef model : List.of(GPT_A, CLAUDE, LLAMA, GEMINI)) {
                h.send(Assignments.of(model.getModel() + "-plain", "ping " + model.getModel(), model).build());
                h.send(Assignments.streaming(Assignments.of(model.getModel() + "-stream", "stream " + model.getModel(), model)).build());
            }
            h.flush();

            Map<String, LlmResult> results = byId(h.results(8, Duration.ofSeconds(20)));

            assertThat(results).hasSize(8);
            for (ModelRef model : List.of(GPT_A, CLAUDE, LLAMA, GEMINI)) {
                LlmResult plain = results.get(model.getModel() + "-plain");
                LlmResult streamed = results.get(model.getModel() + "-stream");
                assertThat(plain.getStatus()).as(model.getModel()).isEqualTo(ResultStatus.OK);
                assertThat(plain.getOutput()).isEqualTo("Answer from " + model.getModel() + ": ping " + model.getModel());
                assertThat(plain.getUsage().getInputTokens()).isPositive();
                assertThat(plain.getUsage().getOutputTokens()).isPositive();
                assertThat(streamed.getStatus()).as(model.getModel() + " streamed").isEqualTo(ResultStatus.OK);
                assertThat(streamed.getOutput()).isEqualTo("Answer from " + model.getModel() + ": stream " + model.getModel());
                assertThat(streamed.getUsage().getOutputTokens()).isPositive();
            }
        }
    }

    @Test
    void shouldRetryTransientFailuresAndRecordEveryAttempt() {
        sim.script("gpt-a", FaultScript.none().withFailFirstN(2, 503));
        try (PipelineHarness h = harness("retry", FAST_GUARDS);
             Worker worker = Worker.start(h.catalog(), h.bootstrap(), "w1")) {
            h.send(Assignments.of("r1", "hello", GPT_A).build());
            h.flush();

            LlmResult result = h.results(1, Duration.ofSeconds(20)).getFirst();
            List<InvocationEvent> events = eventsOf(h.invocations(3, Duration.ofSeconds(10)), "r1");

            assertThat(result.getStatus()).isEqualTo(ResultStatus.OK);
            assertThat(result.getAttempts()).isEqualTo(3);
            assertThat(events).extracting(InvocationEvent::getOutcome)
                    .containsExactly(InvocationOutcome.FAILURE, InvocationOutcome.FAILURE, InvocationOutcome.SUCCESS);
            assertThat(events).extracting(InvocationEvent::getHttpStatus).containsExactly(503, 503, 200);
            assertThat(events).extracting(InvocationEvent::getFinalAttempt).containsExactly(false, false, true);
            assertThat(events).extracting(InvocationEvent::getBilled).containsExactly(false, false, true);
            assertThat(events).extracting(InvocationEvent::getEventId).containsExactly("r1/1", "r1/2", "r1/3");
            assertThat(worker.meterRegistry().get("llm.worker.failures").tag("model", "gpt-a")
                    .tag("kind", "PROVIDER_OVERLOADED").counter().count()).isEqualTo(2.0);
            assertThat(worker.meterRegistry().get("llm.worker.call.latency").tag("model", "gpt-a").timer().count())
                    .isEqualTo(3);
        }
    }

    @Test
    void shouldFailABadRequestAtOnceWithoutRetryAndWithoutOpeningTheBreaker() {
        sim.script("gpt-a", FaultScript.none().withErrorRate(1.0, 400));
        try (PipelineHarness h = harness("bad-request", FAST_GUARDS);
             Worker worker = Worker.start(h.catalog(), h.bootstrap(), "w1")) {
            for (int i = 0; i < 20; i++) {
                h.send(Assignments.of("bad-" + i, "hello", GPT_A, GPT_B).build());
            }
            h.flush();

            List<LlmResult> results = h.results(20, Duration.ofSeconds(20));

            assertThat(results).hasSize(20).allSatisfy(r -> {
                assertThat(r.getStatus()).isEqualTo(ResultStatus.ERROR);
                assertThat(r.getError().getKind()).isEqualTo(ErrorKind.INVALID_REQUEST);
                assertThat(r.getAttempts()).isEqualTo(1);
            });
            assertThat(sim.stats().calls("gpt-b")).isZero();
            assertThat(worker.stats().breakerStates()).containsEntry("gpt-a", "CLOSED");
            assertThat(worker.stats().breakerOpenedAfterCalls()).doesNotContainKey("gpt-a");
        }
    }

    @Test
    void shouldFailOverFromADownOllamaToAnthropicAndOpenOnlyOllamasBreaker() {
        sim.script("llama-a", FaultScript.none().withDown(true).withErrorRate(0, 503));
        String slowRecovery = "{minimumCalls: 5, slidingWindow: 10, waitInOpenMs: 30000, cooldownMs: 30000, "
                + "retryInitialBackoffMs: 50, retryMaxBackoffMs: 200}";
        try (PipelineHarness h = harness("failover", slowRecovery);
             Worker worker = Worker.start(h.catalog(), h.bootstrap(), "w1")) {
            for (int i = 0; i < 10; i++) {
                h.send(Assignments.of("f-" + i, "q" + i, LLAMA, CLAUDE).build());
            }
            h.flush();
            assertThat(h.results(10, Duration.ofSeconds(30))).hasSize(10);
            long llamaCallsWhileOpening = sim.stats().calls("llama-a");
            for (int i = 10; i < 30; i++) {
                h.send(Assignments.of("f-" + i, "q" + i, LLAMA, CLAUDE).build());
            }
            h.flush();

            List<LlmResult> results = h.results(30, Duration.ofSeconds(30));
            List<ProviderHealth> health = h.health(1, Duration.ofSeconds(5));

            assertThat(results).hasSize(30).allSatisfy(r -> {
                assertThat(r.getStatus()).isEqualTo(ResultStatus.OK);
                assertThat(r.getModel()).isEqualTo("claude-a");
            });
            // calls already in flight when the fifth failure came back count too; then the breaker spares llama-a
            assertThat(worker.stats().breakerOpenedAfterCalls().get("llama-a")).isBetween(5L, 10L);
            assertThat(sim.stats().calls("llama-a")).as("no call to the open breaker's model")
                    .isEqualTo(llamaCallsWhileOpening);
            assertThat(results.stream().filter(r -> r.getRequestId().compareTo("f-10") >= 0 && r.getRequestId().length() == 4))
                    .allSatisfy(r -> assertThat(r.getAttempts()).isEqualTo(1));
            assertThat(worker.stats().breakerOpenedAfterCalls()).doesNotContainKey("claude-a");
            assertThat(worker.stats().breakerStates().get("claude-a")).isEqualTo("CLOSED");
            assertThat(health).anySatisfy(p -> {
                assertThat(p.getModel()).isEqualTo("llama-a");
                assertThat(p.getBreakerState()).isEqualTo(BreakerState.OPEN);
                assertThat(p.getCooldownUntilMs()).isNotNull();
            });
            assertThat(health).noneSatisfy(p -> {
                assertThat(p.getModel()).isEqualTo("claude-a");
                assertThat(p.getBreakerState()).isNotEqualTo(BreakerState.CLOSED);
            });
        }
    }

    @Test
    void shouldMoveAPromptTooLongForTheTargetToTheFallbackWithoutBlamingTheTarget() {
        sim.script("gpt-a", FaultScript.none().withContextLimit(5));
        try (PipelineHarness h = harness("context", FAST_GUARDS);
             Worker worker = Worker.start(h.catalog(), h.bootstrap(), "w1")) {
            for (int i = 0; i < 12; i++) {
                h.send(Assignments.of("c-" + i, "a question that is longer than five tokens " + i, GPT_A, GPT_B).build());
            }
            h.flush();

            List<LlmResult> results = h.results(12, Duration.ofSeconds(20));
            List<InvocationEvent> events = eventsOf(h.invocations(24, Duration.ofSeconds(10)), "c-3");

            assertThat(results).hasSize(12).allSatisfy(r -> assertThat(r.getModel()).isEqualTo("gpt-b"));
            assertThat(events).extracting(InvocationEvent::getErrorKind).containsExactly(ErrorKind.CONTEXT_OVERFLOW, null);
            assertThat(worker.stats().breakerStates()).containsEntry("gpt-a", "CLOSED");
        }
    }

    @Test
    void shouldTripOnSilentOllamaTruncationAndRedispatchOnceToTheFallback() {
        String longPrompt = "word ".repeat(400);
        try (PipelineHarness h = harness("truncation", FAST_GUARDS);
             Worker ignored = Worker.start(h.catalog(), h.bootstrap(), "w1")) {
            h.send(Assignments.of("t-fallback", longPrompt, LLAMA_SMALL, GPT_A).build());
            h.send(Assignments.of("t-alone", longPrompt, LLAMA_SMALL).build());
            h.flush();

            Map<String, LlmResult> results = byId(h.results(2, Duration.ofSeconds(20)));
            List<InvocationEvent> all = h.invocations(3, Duration.ofSeconds(10));
            List<InvocationEvent> withFallback = eventsOf(all, "t-fallback");

            assertThat(results.get("t-fallback").getStatus()).isEqualTo(ResultStatus.OK);
            assertThat(results.get("t-fallback").getModel()).isEqualTo("gpt-a");
            assertThat(withFallback).hasSize(2);
            InvocationEvent truncated = withFallback.getFirst();
            assertThat(truncated.getOutcome()).isEqualTo(InvocationOutcome.INTERRUPTED);
            assertThat(truncated.getBilled()).isTrue();
            assertThat(truncated.getInterrupted()).isTrue();
            assertThat(truncated.getUsage().getInputTokens()).isEqualTo(256);
            assertThat(results.get("t-fallback").getCostMicros()).isEqualTo(
                    withFallback.stream().mapToLong(InvocationEvent::getCostMicros).sum());

            LlmResult alone = results.get("t-alone");
            assertThat(alone.getStatus()).isEqualTo(ResultStatus.ERROR);
            assertThat(alone.getError().getKind()).isEqualTo(ErrorKind.CONTEXT_OVERFLOW);
            assertThat(alone.getError().getMessage()).contains("suspected truncation");
        }
    }

    @Test
    void shouldRestartACutStreamFromScratchAndNeverSpliceTwoAnswers() {
        sim.script("gpt-a", FaultScript.none().withLatency(300, 0).withStreamCutAfterChunks(3));
        try (PipelineHarness h = harness("stream-cut", FAST_GUARDS);
             Worker ignored = Worker.start(h.catalog(), h.bootstrap(), "w1")) {
            h.send(Assignments.streaming(Assignments.of("s1", "tell me more", GPT_A, GPT_B)).build());
            h.flush();

            LlmResult result = h.results(1, Duration.ofSeconds(20)).getFirst();
            List<InvocationEvent> events = eventsOf(h.invocations(4, Duration.ofSeconds(10)), "s1");

            assertThat(result.getStatus()).isEqualTo(ResultStatus.OK);
            assertThat(result.getOutput()).isEqualTo("Answer from gpt-b: tell me more");
            assertThat(events).hasSize(4);
            List<InvocationEvent> cut = events.stream().filter(e -> e.getOutcome() == InvocationOutcome.INTERRUPTED).toList();
            assertThat(cut).as(events.toString()).isNotEmpty().allSatisfy(e -> {
                assertThat(e.getModel()).isEqualTo("gpt-a");
                assertThat(e.getErrorKind()).isEqualTo(ErrorKind.STREAM_INTERRUPTED);
                assertThat(e.getBilled()).isTrue();
                assertThat(e.getInterrupted()).isTrue();
            });
            assertThat(result.getMetadata()).containsEntry(RequestRun.DISCARDED_PARTIALS, Integer.toString(cut.size()));
            assertThat(events.subList(0, 3)).extracting(InvocationEvent::getModel).containsOnly("gpt-a");
            assertThat(events.get(3).getModel()).isEqualTo("gpt-b");
            assertThat(events.get(3).getOutcome()).isEqualTo(InvocationOutcome.SUCCESS);
        }
    }

    @Test
    void shouldRetryAnUnreadableAnswerOnceThenFailOver() {
        sim.script("gpt-a", FaultScript.none().withMalformedRate(1.0));
        try (PipelineHarness h = harness("malformed", FAST_GUARDS);
             Worker ignored = Worker.start(h.catalog(), h.bootstrap(), "w1")) {
            h.send(Assignments.of("m1", "hello", GPT_A, GPT_B).build());
            h.flush();

            LlmResult result = h.results(1, Duration.ofSeconds(20)).getFirst();
            List<InvocationEvent> events = eventsOf(h.invocations(3, Duration.ofSeconds(10)), "m1");

            assertThat(result.getModel()).isEqualTo("gpt-b");
            assertThat(events).extracting(InvocationEvent::getErrorKind)
                    .containsExactly(ErrorKind.MALFORMED_RESPONSE, ErrorKind.MALFORMED_RESPONSE, null);
            assertThat(sim.stats().calls("gpt-a")).isEqualTo(2);
        }
    }

    @Test
    void shouldKeepTheProviderUnderItsRequestsPerMinute() {
        sim.script("gpt-a", FaultScript.none().withRequestsPerMinute(120));
        try (PipelineHarness h = harness("rpm", "{requestsPerMinute: 120}");
             Worker worker = Worker.start(h.catalog(), h.bootstrap(), "w1")) {
            await().atMost(Duration.ofSeconds(10)).until(() -> worker.share("requests:openai") == 1.0);
            // one call every ~0.5 s (120 a minute less the 60/62 margin), the bucket starting empty
            long deadline = System.currentTimeMillis() + 5_000;
            for (int i = 0; i < 14; i++) {
                h.send(Assignments.withDeadline(Assignments.of("rl-" + i, "q" + i, GPT_A), deadline).build());
            }
            h.flush();

            List<LlmResult> results = h.results(14, Duration.ofSeconds(20));

            long ok = results.stream().filter(r -> r.getStatus() == ResultStatus.OK).count();
            assertThat(ok).as("paced, not bursting: 5 s at two a second").isBetween(6L, 10L);
            assertThat(results.stream().filter(r -> r.getStatus() == ResultStatus.ERROR)).hasSize(14 - (int) ok)
                    .allSatisfy(r -> assertThat(r.getError().getKind()).isEqualTo(ErrorKind.DEADLINE_EXCEEDED));
            assertThat(sim.stats().maxRequestsPerMinute("gpt-a")).isLessThanOrEqualTo(120);
            assertThat(sim.stats().callsWithStatus("gpt-a", 429)).isZero();
            assertThat(worker.stats().rateLimitWaits()).isPositive();
        }
    }

    @Test
    void shouldNeverRunMoreConcurrentCallsThanTheBulkheadAllows() {
        sim.script("gpt-a", FaultScript.none().withLatency(300, 0));
        try (PipelineHarness h = harness("bulkhead", "{maxConcurrentCalls: 4}");
             Worker ignored = Worker.start(h.catalog(), h.bootstrap(), "w1")) {
            for (int i = 0; i < 24; i++) {
                h.send(Assignments.of("b-" + i, "q" + i, GPT_A).build());
            }
            h.flush();

            List<LlmResult> results = h.results(24, Duration.ofSeconds(20));

            assertThat(results).hasSize(24).allSatisfy(r -> assertThat(r.getStatus()).isEqualTo(ResultStatus.OK));
            assertThat(sim.stats().inFlightMax("gpt-a")).isEqualTo(4);
        }
    }

    @Test
    void shouldServeHigherBandsFirstWhenSaturated() throws Exception {
        sim.script("gpt-a", FaultScript.none().withLatency(200, 0));
        String yaml = PipelineHarness.fourProviders(sim.baseUrl(), FAST_GUARDS).replace("worker:\n", "worker:\n  maxInFlight: 2\n");
        try (PipelineHarness h = new PipelineHarness("priority", yaml);
             Worker worker = Worker.start(h.catalog(), h.bootstrap(), "w1")) {
            for (int i = 0; i < 30; i++) {
                h.send(Assignments.priority(Assignments.of("bulk-" + i, "q", GPT_A), Priority.BULK).build());
            }
            h.flush();
            // saturated: two bulk calls in flight, the rest of the bulk requests taken and waiting in the backlog
            await().atMost(Duration.ofSeconds(20)).until(() -> worker.stats().providerCalls() >= 2
                    && worker.stats().queued() >= 24);
            for (int i = 0; i < 6; i++) {
                h.send(Assignments.priority(Assignments.of("critical-" + i, "q", GPT_A), Priority.CRITICAL).build());
            }
            h.flush();

            List<LlmResult> results = h.results(36, Duration.ofSeconds(30));

            assertThat(results).hasSize(36);
            long lastCritical = results.stream().filter(r -> r.getRequestId().startsWith("critical"))
                    .mapToLong(LlmResult::getCompletedAtMs).max().orElseThrow();
            long bulkAfter = results.stream().filter(r -> r.getRequestId().startsWith("bulk"))
                    .filter(r -> r.getCompletedAtMs() > lastCritical).count();
            assertThat(bulkAfter).as("bulk requests finished after the last critical one").isGreaterThanOrEqualTo(18);
        }
    }

    @Test
    void shouldWriteInvocationEventsButNoResultForAShadowCall() {
        try (PipelineHarness h = harness("shadow", FAST_GUARDS);
             Worker worker = Worker.start(h.catalog(), h.bootstrap(), "w1")) {
            LlmAssignment shadow = Assignments.of("shadow-1", "hello", GPT_B).setShadow(true).setShadowOf("real-1").build();
            h.send(shadow);
            h.send(Assignments.of("real-1", "hello", GPT_A).build());
            h.flush();

            List<InvocationEvent> events = h.invocations(2, Duration.ofSeconds(20));
            List<LlmResult> results = h.results(1, Duration.ofSeconds(5));

            assertThat(results).extracting(LlmResult::getRequestId).containsExactly("real-1");
            assertThat(eventsOf(events, "shadow-1")).singleElement().satisfies(e -> {
                assertThat(e.getShadow()).isTrue();
                assertThat(e.getFinalAttempt()).isTrue();
                assertThat(e.getBilled()).isTrue();
            });
            assertThat(worker.stats().shadowRequests()).isEqualTo(1);
        }
    }

    @Test
    void shouldFailOverOnAuthenticationFailureWithoutRetryingIt() {
        sim.script("gpt-a", FaultScript.builder().requireApiKey(true).build());
        try (PipelineHarness h = harness("auth", FAST_GUARDS);
             Worker ignored = Worker.start(h.catalog(), h.bootstrap(), "w1")) {
            h.send(Assignments.of("a1", "hello", GPT_A, GEMINI).build());
            h.flush();

            LlmResult result = h.results(1, Duration.ofSeconds(20)).getFirst();
            List<InvocationEvent> events = eventsOf(h.invocations(2, Duration.ofSeconds(10)), "a1");

            assertThat(result.getModel()).isEqualTo("gemini-a");
            assertThat(events).extracting(InvocationEvent::getErrorKind).containsExactly(ErrorKind.AUTHENTICATION, null);
            assertThat(sim.stats().calls("gpt-a")).isEqualTo(1);
        }
    }

    @Test
    void shouldSendTheApiKeyButNeverWriteItToAnyTopic() {
        // any long environment value will do as a key: the simulator only checks that one is sent
        String key = System.getenv("PATH");
        String yaml = PipelineHarness.fourProviders(sim.baseUrl(), FAST_GUARDS)
                .replace("kind: openai\n", "kind: openai\n    apiKeyEnv: PATH\n");
        sim.script("gpt-a", FaultScript.builder().requireApiKey(true).down(true).errorStatus(503).build());
        sim.script("gpt-b", FaultScript.builder().requireApiKey(true).build());
        try (PipelineHarness h = new PipelineHarness("secrets", yaml);
             Worker ignored = Worker.start(h.catalog(), h.bootstrap(), "w1")) {
            h.send(Assignments.of("k1", "hello", GPT_A, GPT_B).build());
            h.flush();

            LlmResult result = h.results(1, Duration.ofSeconds(20)).getFirst();

            assertThat(result.getStatus()).isEqualTo(ResultStatus.OK);
            assertThat(result.getModel()).isEqualTo("gpt-b");
            for (String topic : List.of(h.catalog().topics().results(), h.catalog().topics().invocations(),
                    h.catalog().topics().providerHealth(), h.catalog().topics().dlq())) {
                assertThat(h.read(topic, 0, Duration.ofMillis(300)))
                        .allSatisfy(r -> assertThat(new String(r.value(), java.nio.charset.StandardCharsets.ISO_8859_1))
                                .doesNotContain(key));
            }
        }
    }

    @Test
    void shouldPriceAnthropicCacheReadTokensAtTheCachedPrice() {
        sim.script("claude-a", FaultScript.builder().cachedPromptTokens(8).build());
        try (PipelineHarness h = harness("cache-tokens", FAST_GUARDS);
             Worker ignored = Worker.start(h.catalog(), h.bootstrap(), "w1")) {
            h.send(Assignments.of("c1", "a question long enough to have some tokens in it", CLAUDE).build());
            h.flush();

            LlmResult result = h.results(1, Duration.ofSeconds(20)).getFirst();
            InvocationEvent event = h.invocations(1, Duration.ofSeconds(10)).getFirst();

            Usage usage = result.getUsage();
            assertThat(usage.getCachedInputTokens()).isEqualTo(8);
            assertThat(usage.getInputTokens()).as("input counts cached tokens too").isGreaterThan(8);
            // claude-a: $3 input, $0.30 cached, $15 output per million tokens
            long expected = CostCalculator.costMicros(h.catalog().requireModel("claude-a").price(),
                    usage.getInputTokens(), usage.getOutputTokens(), 8, 0);
            long uncached = 3L * usage.getInputTokens() + 15L * usage.getOutputTokens();
            assertThat(result.getCostMicros()).isEqualTo(expected).isEqualTo(event.getCostMicros())
                    .isLessThan(uncached);
        }
    }

    @Test
    void shouldWeighTheTokensPerMinuteLimitByEachCallsTokens() {
        // each call reserves 20 estimated input + 64 max output = 84 tokens and gives back what it did not use
        // (the simulator answers 14 + 8): 6,200 a minute (100 a second after the margin) let 3 to 5 through in 2.5 s
        try (PipelineHarness h = harness("tpm", "{tokensPerMinute: 6200}");
             Worker worker = Worker.start(h.catalog(), h.bootstrap(), "w1")) {
            await().atMost(Duration.ofSeconds(10)).until(() -> worker.share("tokens:openai") == 1.0);
            long deadline = System.currentTimeMillis() + 2_500;
            for (int i = 0; i < 6; i++) {
                h.send(Assignments.withDeadline(Assignments.of("t-" + i, "q" + i, GPT_A), deadline).build());
            }
            h.flush();

            List<LlmResult> results = h.results(6, Duration.ofSeconds(20));

            long ok = results.stream().filter(r -> r.getStatus() == ResultStatus.OK).count();
            assertThat(ok).isBetween(3L, 5L);
            assertThat(results.stream().filter(r -> r.getStatus() == ResultStatus.ERROR)).hasSize(6 - (int) ok)
                    .allSatisfy(r -> assertThat(r.getError().getKind()).isEqualTo(ErrorKind.DEADLINE_EXCEEDED));
            assertThat(sim.stats().calls("gpt-a")).isEqualTo(ok);
        }
    }

    @Test
    void shouldRecordARejectedEventForARequestThatNeverReachedAProvider() {
        try (PipelineHarness h = harness("rejected", FAST_GUARDS);
             Worker ignored = Worker.start(h.catalog(), h.bootstrap(), "w1")) {
            h.send(Assignments.withDeadline(Assignments.of("late", "hello", GPT_A), System.currentTimeMillis() - 1).build());
            LlmAssignment badPassthrough = Assignments.of("bad-json", "hello", GPT_A).build();
            badPassthrough.getRequest().setPassthroughJson("[not an object]");
            h.send(badPassthrough);
            h.flush();

            Map<String, LlmResult> results = byId(h.results(2, Duration.ofSeconds(20)));
            List<InvocationEvent> events = h.invocations(2, Duration.ofSeconds(10));

            assertThat(results.get("late").getError().getKind()).isEqualTo(ErrorKind.DEADLINE_EXCEEDED);
            assertThat(results.get("bad-json").getError().getKind()).isEqualTo(ErrorKind.INVALID_REQUEST);
            assertThat(results.get("bad-json").getError().getMessage()).contains("passthrough_json");
            assertThat(results.values()).allSatisfy(r -> assertThat(r.getAttempts()).isZero());
            assertThat(events).hasSize(2).allSatisfy(e -> {
                assertThat(e.getOutcome()).isEqualTo(InvocationOutcome.REJECTED);
                assertThat(e.getBilled()).isFalse();
                assertThat(e.getFinalAttempt()).isTrue();
                assertThat(e.getReservedMicros()).isEqualTo(500);
            });
            assertThat(sim.stats().calls("gpt-a")).isZero();
        }
    }
}
