package io.llmpipeline.worker.run;

import static io.llmpipeline.worker.run.RunFixture.T0;
import static io.llmpipeline.worker.run.ScriptedTransport.openAiAnswer;
import static io.llmpipeline.worker.run.ScriptedTransport.openAiError;
import static io.llmpipeline.worker.run.ScriptedTransport.openAiStream;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import io.llmpipeline.schemas.AttemptSummary;
import io.llmpipeline.schemas.ErrorKind;
import io.llmpipeline.schemas.BudgetHold;
import io.llmpipeline.schemas.InvocationEvent;
import io.llmpipeline.schemas.InvocationOutcome;
import io.llmpipeline.schemas.LlmAssignment;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.ModelRef;
import io.llmpipeline.schemas.ResultStatus;
import io.llmpipeline.worker.it.Assignments;
import io.llmpipeline.worker.provider.CallTimeoutException;
import io.llmpipeline.worker.provider.TransportException;

/**
 * A request run driven through retries, Retry-After, failover, cooldowns, deadlines, the trial
 * gate and stream cuts with a hand-moved clock and a scripted transport: what took seconds of real
 * waiting against the simulator runs here in microseconds, and never depends on the machine's speed.
 */
class RequestRunTest {
    private static final ModelRef GPT_A = new ModelRef("openai", "gpt-a");
    private static final ModelRef GPT_B = new ModelRef("openai", "gpt-b");
    /** No jitter, so every backoff is exact: 50, 100, 200 ms. */
    private static final String GUARDS = "{minimumCalls: 5, slidingWindow: 10, waitInOpenMs: 500, cooldownMs: 500, "
            + "retryInitialBackoffMs: 50, retryMaxBackoffMs: 200, retryJitter: 0}";

    private static LlmAssignment assignment(String id, Long deadlineMs, ModelRef target, ModelRef... fallbacks) {
        LlmAssignment.Builder b = Assignments.of(id, "hello", target, fallbacks);
        LlmRequest.Builder r = LlmRequest.newBuilder(b.getRequest()).setSubmittedAtMs(T0);
        if (deadlineMs != null) {
            r.setDeadlineEpochMs(deadlineMs);
        }
        return b.setRequest(r.build()).setAssignedAtMs(T0).setBudgetHolds(HOLDS).setAdmittedAtMs(T0 - 5).build();
    }

    /** The budget leases the router admitted the test's requests from: every event must carry them back to it. */
    private static final List<BudgetHold> HOLDS = List.of(new BudgetHold("TENANT", "acme", "TENANT|acme|DAILY|0#3#0"),
            new BudgetHold("PROVIDER", "sim-openai", "PROVIDER|sim-openai|DAILY|0#3#7"));

    private static LlmResult resultOf(CompletableFuture<RunReport> run) {
        assertThat(run).as("the run has ended").isDone();
        return run.join().result();
    }

    @Test
    void shouldRetryTransientFailuresWithGrowingBackoffAndRecordEveryAttempt() {
        RunFixture f = new RunFixture(GUARDS);
        CompletableFuture<RunReport> run = f.start(assignment("r1", null, GPT_A));

        f.transport.next().answer(openAiError(503, Map.of()));
        f.scheduler.runNext();
        f.transport.next().answer(openAiError(503, Map.of()));
        f.scheduler.runNext();
        f.transport.next().answer(openAiAnswer("hi", 20, 3));

        List<InvocationEvent> events = run.join().events();
        assertThat(resultOf(run).getStatus()).isEqualTo(ResultStatus.OK);
        assertThat(resultOf(run).getAttempts()).isEqualTo(3);
        assertThat(f.transport.sent()).extracting(ScriptedTransport.Sent::atMs)
                .containsExactly(T0, T0 + 50, T0 + 150);
        assertThat(events).extracting(InvocationEvent::getOutcome)
                .containsExactly(InvocationOutcome.FAILURE, InvocationOutcome.FAILURE, InvocationOutcome.SUCCESS);
        assertThat(events).extracting(InvocationEvent::getFinalAttempt).containsExactly(false, false, true);
        assertThat(events).extracting(InvocationEvent::getEventId).containsExactly("r1/1", "r1/2", "r1/3");
        assertThat(events).allSatisfy(e -> {
            assertThat(e.getBudgetHolds()).isEqualTo(HOLDS);
            assertThat(e.getAdmittedAtMs()).isEqualTo(T0 - 5);
        });
        assertThat(f.metrics.retries()).isEqualTo(2);
    }

    @Test
    void shouldWaitAtLeastRetryAfterBeforeTheNextAttemptWithoutBlamingTheBreaker() {
        RunFixture f = new RunFixture(GUARDS);
        CompletableFuture<RunReport> run = f.start(assignment("r1", null, GPT_A));

        f.transport.next().answer(openAiError(429, Map.of("retry-after", "1")));
        f.scheduler.runNext();
        f.transport.next().answer(openAiAnswer("hi", 20, 3));

        assertThat(resultOf(run).getModel()).isEqualTo("gpt-a");
        assertThat(run.join().events().getFirst().getErrorKind()).isEqualTo(ErrorKind.RATE_LIMITED);
        assertThat(f.transport.sent().get(1).atMs()).as("backoff 50 ms, Retry-After 1 s").isEqualTo(T0 + 1_000);
        assertThat(f.guards.forModel("gpt-a").orElseThrow().state().breaker().name()).isEqualTo("CLOSED");
    }

    @Test
    void shouldDelayOnlyTheThrottledRequestAndRetryItPast429sUntilItSucceeds() {
        RunFixture f = new RunFixture(GUARDS);
        CompletableFuture<RunReport> throttled = f.start(assignment("r1", null, GPT_A));
        f.transport.next().answer(openAiError(429, Map.of("retry-after", "1")));

        CompletableFuture<RunReport> other = f.start(assignment("r2", null, GPT_A));
        f.transport.next().answer(openAiAnswer("hi", 20, 3));
        assertThat(resultOf(other).getStatus()).isEqualTo(ResultStatus.OK);
        assertThat(f.transport.sent().get(1).atMs()).as("the model is not held: r2 went at once").isEqualTo(T0);

        // far more 429s than the model's attempts (3 by default): each only delays r1 by its Retry-After
        for (int i = 0; i < 6; i++) {
            f.scheduler.runNext();
            f.transport.next().answer(openAiError(429, Map.of("retry-after", "1")));
        }
        f.scheduler.runNext();
        f.transport.next().answer(openAiAnswer("at last", 20, 3));

        assertThat(resultOf(throttled).getStatus()).isEqualTo(ResultStatus.OK);
        assertThat(resultOf(throttled).getModel()).isEqualTo("gpt-a");
        assertThat(resultOf(throttled).getAttempts()).isEqualTo(8);
        assertThat(f.transport.sent().getLast().atMs()).as("seven Retry-Afters of 1 s").isEqualTo(T0 + 7_000);
    }

    @Test
    void shouldHoldTheModelAndFailOverWhenTheProviderSaysTheAccountIsOutOfQuota() {
        RunFixture f = new RunFixture(GUARDS);
        CompletableFuture<RunReport> run = f.start(assignment("r1", null, GPT_A, GPT_B));

        f.transport.next().answer(ScriptedTransport.response(429, """
                {"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}}""",
                Map.of("retry-after", "20"), true));
        f.transport.next().answer(openAiAnswer("from b", 20, 3));

        assertThat(resultOf(run).getModel()).isEqualTo("gpt-b");
        assertThat(f.transport.sent().get(1).atMs()).as("failed over at once").isEqualTo(T0);
        assertThat(f.guards.forModel("gpt-a").orElseThrow().availableAtMs()).as("held for the Retry-After")
                .isEqualTo(T0 + 20_000);
        assertThat(f.guards.forModel("gpt-a").orElseThrow().state().breaker().name()).isEqualTo("CLOSED");
    }

    @Test
    void shouldPaceCallsByTheRequestsPerMinuteLimitAndLowerItWhenTheProviderRefusesForItsPace() {
        RunFixture f = new RunFixture("{requestsPerMinute: 124, retryInitialBackoffMs: 50, retryJitter: 0}");
        var limit = f.guards.rateLimits().get("requests:openai");
        // 124 a minute less the 60/62 margin: one call every 500 ms, the bucket starting empty
        CompletableFuture<RunReport> first = f.start(assignment("r1", null, GPT_A));
        CompletableFuture<RunReport> second = f.start(assignment("r2", null, GPT_A));
        f.scheduler.advance(Duration.ofMillis(500));
        f.transport.next().answer(openAiAnswer("one", 20, 3));
        f.scheduler.advance(Duration.ofMillis(500));
        f.transport.next().answer(ScriptedTransport.response(429, "{\"error\":{\"message\":\"slow down\",\"code\":\"rate_limit_exceeded\"}}",
                Map.of("x-ratelimit-limit-requests", "100", "x-ratelimit-remaining-requests", "0",
                        "x-ratelimit-reset-requests", "600ms", "retry-after", "1"), true));

        assertThat(f.transport.sent()).extracting(ScriptedTransport.Sent::atMs).containsExactly(T0 + 500, T0 + 1_000);
        assertThat(resultOf(first).getStatus()).isEqualTo(ResultStatus.OK);
        assertThat(limit.groupRatePerMinute()).as("the provider's 100, then 0.7 of it for a 429 that found no room")
                .isEqualTo(70);
        assertThat(second).isNotDone();
    }

    @Test
    void shouldFailABadRequestAtOnceWithoutRetryOrFallbackAndSayItIsNotRetryable() {
        RunFixture f = new RunFixture(GUARDS);
        CompletableFuture<RunReport> run = f.start(assignment("bad", null, GPT_A, GPT_B));

        f.transport.next().answer(openAiError(400, Map.of()));

        LlmResult result = resultOf(run);
        assertThat(result.getError().getKind()).isEqualTo(ErrorKind.INVALID_REQUEST);
        assertThat(result.getError().getRetryable()).isFalse();
        assertThat(result.getAttempts()).isEqualTo(1);
        assertThat(f.transport.sent()).hasSize(1);
    }

    @Test
    void shouldFailOverOnAuthenticationFailureAndSkipTheModelWhileItCoolsDown() {
        RunFixture f = new RunFixture(GUARDS);
        CompletableFuture<RunReport> first = f.start(assignment("a1", null, GPT_A, GPT_B));
        f.transport.next().answer(openAiError(401, Map.of()));
        assertThat(f.transport.next().model()).as("failed over at once, no backoff").isEqualTo("gpt-b");
        assertThat(f.transport.next().atMs()).isEqualTo(T0);
        f.transport.next().answer(openAiAnswer("hi", 20, 3));

        f.clock.advanceMs(499);
        CompletableFuture<RunReport> during = f.start(assignment("a2", null, GPT_A, GPT_B));
        String duringModel = f.transport.next().model();
        f.transport.next().answer(openAiAnswer("hi", 20, 3));
        f.clock.advanceMs(1);
        CompletableFuture<RunReport> after = f.start(assignment("a3", null, GPT_A, GPT_B));
        String afterModel = f.transport.next().model();

        assertThat(resultOf(first).getModel()).isEqualTo("gpt-b");
        assertThat(run(first).events()).extracting(InvocationEvent::getErrorKind).containsExactly(ErrorKind.AUTHENTICATION, null);
        assertThat(duringModel).as("gpt-a cools down for 500 ms").isEqualTo("gpt-b");
        assertThat(resultOf(during).getAttempts()).isEqualTo(1);
        assertThat(afterModel).as("the cooldown is over").isEqualTo("gpt-a");
        assertThat(after).isNotDone();
    }

    private static RunReport run(CompletableFuture<RunReport> run) {
        return run.join();
    }

    @Test
    void shouldWaitForACandidateToRecoverRatherThanFail() {
        RunFixture f = new RunFixture(GUARDS);
        CompletableFuture<RunReport> run = f.start(assignment("w1", T0 + 20_000, GPT_A));

        while (f.clock.millis() < T0 + 2_000) {
            f.transport.next().answer(openAiError(503, Map.of()));
            assertThat(f.scheduler.runNext()).as("a step is scheduled, never a failure").isTrue();
            while (!f.transport.waiting() && f.scheduler.runNext()) {
                // rounds of backoff and breaker waits until the next call
            }
        }
        f.transport.next().answer(openAiAnswer("back", 20, 3));

        LlmResult result = resultOf(run);
        assertThat(result.getStatus()).isEqualTo(ResultStatus.OK);
        assertThat(result.getAttempts()).isGreaterThan(3);
        assertThat(result.getLatencyMs()).isGreaterThanOrEqualTo(2_000);
    }

    @Test
    void shouldFailAtTheDeadlineListingEveryAttemptWhenAllCandidatesAreDown() {
        RunFixture f = new RunFixture(GUARDS);
        CompletableFuture<RunReport> run = f.start(assignment("d1", T0 + 2_000, GPT_A, GPT_B));

        while (!run.isDone()) {
            if (f.transport.waiting()) {
                ScriptedTransport.Sent call = f.transport.next();
                call.answer(openAiError(call.model().equals("gpt-a") ? 503 : 502, Map.of()));
            } else {
                assertThat(f.scheduler.runNext()).isTrue();
            }
        }

        LlmResult result = resultOf(run);
        assertThat(result.getError().getKind()).isEqualTo(ErrorKind.DEADLINE_EXCEEDED);
        assertThat(result.getError().getRetryable()).isTrue();
        assertThat(result.getCompletedAtMs()).isEqualTo(T0 + 2_000);
        assertThat(result.getError().getAttempts()).extracting(AttemptSummary::getModel).contains("gpt-a", "gpt-b");
        assertThat(result.getError().getAttempts()).extracting(AttemptSummary::getHttpStatus).contains(503, 502);
        assertThat(result.getAttempts()).isEqualTo(result.getError().getAttempts().size());
        assertThat(result.getError().getMessage()).contains("deadline passed", "openai/gpt-a", "openai/gpt-b");
    }

    @Test
    void shouldEndAWaitForABulkheadSlotAtTheDeadlineAndRecordATimeoutAsSuch() {
        RunFixture f = new RunFixture("{maxConcurrentCalls: 1}");
        List<CompletableFuture<RunReport>> runs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            runs.add(f.start(assignment("bd-" + i, T0 + 1_500, GPT_A)));
        }
        ScriptedTransport.Sent only = f.transport.next();
        assertThat(only.timeout()).as("min(responseTimeoutMs 5000, time left)").isEqualTo(Duration.ofMillis(1_500));

        f.scheduler.advance(Duration.ofMillis(1_500));
        only.fail(new CallTimeoutException("no answer within 1500 ms"));
        f.scheduler.runDue();

        assertThat(runs).allSatisfy(r -> {
            LlmResult result = resultOf(r);
            assertThat(result.getError().getKind()).isEqualTo(ErrorKind.DEADLINE_EXCEEDED);
            assertThat(result.getCompletedAtMs()).isEqualTo(T0 + 1_500);
        });
        assertThat(runs.stream().map(RequestRunTest::resultOf).filter(r -> r.getError().getMessage().contains("bulkhead")))
                .hasSize(2);
        assertThat(f.transport.sent()).hasSize(1);
        assertThat(run(runs.getFirst()).events().getFirst().getErrorKind()).isEqualTo(ErrorKind.TIMEOUT);
    }

    @Test
    void shouldRecordAConnectionFailureAsATransportErrorAndRetryIt() {
        RunFixture f = new RunFixture(GUARDS);
        CompletableFuture<RunReport> run = f.start(assignment("t1", null, GPT_A));

        f.transport.next().fail(new TransportException("ConnectException: Connection refused"));
        f.scheduler.runNext();
        f.transport.next().answer(openAiAnswer("hi", 20, 3));

        assertThat(run(run).events().getFirst().getErrorKind()).isEqualTo(ErrorKind.TRANSPORT);
        assertThat(run(run).events().getFirst().getBilled()).isFalse();
        assertThat(resultOf(run).getStatus()).isEqualTo(ResultStatus.OK);
    }

    @Test
    void shouldLetOnlyTheTrialCallsThroughToAModelThatHasNotAnsweredYet() {
        RunFixture f = new RunFixture(GUARDS);
        List<CompletableFuture<RunReport>> runs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            runs.add(f.start(assignment("trial-" + i, null, GPT_A)));
        }
        assertThat(f.transport.sent()).as("minimumCalls 5: five trial calls").hasSize(5);

        f.transport.next().answer(openAiAnswer("first", 20, 3));
        f.scheduler.runDue();

        assertThat(f.transport.sent()).as("the first answer proves the model; the other three go").hasSize(8);
        assertThat(f.transport.sent()).extracting(ScriptedTransport.Sent::atMs).containsOnly(T0);
        assertThat(runs.getFirst()).isDone();
    }

    @Test
    void shouldRestartACutStreamFromScratchAndNeverSpliceTwoAnswers() {
        RunFixture f = new RunFixture(GUARDS);
        LlmAssignment streamed = assignment("s1", null, GPT_A);
        streamed.getRequest().getParams().setStream(true);
        CompletableFuture<RunReport> run = f.start(streamed);

        f.transport.next().answer(openAiStream(List.of("Par", "tial "), false));
        f.scheduler.runNext();
        f.transport.next().answer(openAiStream(List.of("Who", "le"), true));

        List<InvocationEvent> events = run(run).events();
        LlmResult result = resultOf(run);
        assertThat(result.getOutput()).isEqualTo("Whole");
        assertThat(events.getFirst().getOutcome()).isEqualTo(InvocationOutcome.INTERRUPTED);
        assertThat(events.getFirst().getErrorKind()).isEqualTo(ErrorKind.STREAM_INTERRUPTED);
        assertThat(events.getFirst().getBilled()).isTrue();
        assertThat(events.getFirst().getInterrupted()).isTrue();
        assertThat(result.getMetadata()).containsEntry(RequestRun.DISCARDED_PARTIALS, "1");
        assertThat(result.getCostMicros()).isEqualTo(events.stream().mapToLong(InvocationEvent::getCostMicros).sum());
    }

    @Test
    void shouldMoveAPromptTheTargetCannotTakeToTheFallbackWithoutBlamingTheTarget() {
        RunFixture f = new RunFixture(GUARDS);
        CompletableFuture<RunReport> run = f.start(assignment("c1", null, GPT_A, GPT_B));

        f.transport.next().answer(ScriptedTransport.response(400,
                "{\"error\":{\"message\":\"maximum context length is 5 tokens\",\"code\":\"context_length_exceeded\"}}",
                Map.of(), true));
        assertThat(f.transport.next().model()).isEqualTo("gpt-b");
        f.transport.next().answer(openAiAnswer("fits", 20, 3));

        assertThat(run(run).events()).extracting(InvocationEvent::getErrorKind).containsExactly(ErrorKind.CONTEXT_OVERFLOW, null);
        assertThat(f.guards.forModel("gpt-a").orElseThrow().state().breaker().name()).isEqualTo("CLOSED");
    }

    @Test
    void shouldRejectARequestWhoseDeadlineHasPassedWithOneUnbilledFinalEvent() {
        RunFixture f = new RunFixture(GUARDS);
        CompletableFuture<RunReport> run = f.start(assignment("late", T0 - 1, GPT_A));

        InvocationEvent only = run(run).events().getFirst();
        assertThat(resultOf(run).getError().getKind()).isEqualTo(ErrorKind.DEADLINE_EXCEEDED);
        assertThat(run(run).events()).hasSize(1);
        assertThat(only.getOutcome()).isEqualTo(InvocationOutcome.REJECTED);
        assertThat(only.getFinalAttempt()).isTrue();
        assertThat(only.getBilled()).isFalse();
        assertThat(only.getReservedMicros()).isEqualTo(500);
        assertThat(only.getBudgetHolds()).as("the router gives the worst case back on this event").isEqualTo(HOLDS);
        assertThat(f.transport.sent()).isEmpty();
    }
}
