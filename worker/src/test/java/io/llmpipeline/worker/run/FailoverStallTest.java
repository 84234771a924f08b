package io.llmpipeline.worker.run;

import static io.llmpipeline.worker.run.RunFixture.T0;
import static io.llmpipeline.worker.run.ScriptedTransport.openAiAnswer;
import static io.llmpipeline.worker.run.ScriptedTransport.openAiError;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import io.llmpipeline.schemas.LlmAssignment;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.ModelRef;
import io.llmpipeline.schemas.ResultStatus;
import io.llmpipeline.worker.it.Assignments;

/**
 * The primary goes hard down (503 at once) with many requests in flight and a healthy fallback:
 * no request may wait for the primary's breaker or cooldown (30 s by default) while the fallback
 * can answer. Requests that queued at the primary's trial gate get their slot when the breaker
 * opens; they must then go to the fallback, not sleep until the breaker half-opens.
 */
class FailoverStallTest {
    private static final ModelRef PRIMARY = new ModelRef("openai", "gpt-a");
    private static final ModelRef FALLBACK = new ModelRef("openai", "gpt-b");
    private static final int REQUESTS = 200;

    private static LlmAssignment assignment(String id) {
        LlmAssignment.Builder b = Assignments.of(id, "hello", PRIMARY, FALLBACK);
        LlmRequest r = LlmRequest.newBuilder(b.getRequest()).setSubmittedAtMs(T0).setDeadlineEpochMs(T0 + 120_000).build();
        return b.setRequest(r).setAssignedAtMs(T0).build();
    }

    @Test
    void shouldSendEveryRequestToTheHealthyFallbackWithoutWaitingForThePrimarysBreaker() {
        RunFixture f = new RunFixture("{retryJitter: 0}");
        List<CompletableFuture<RunReport>> runs = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            runs.add(f.start(assignment("r" + i)));
        }

        for (int step = 0; step < 1_000_000 && !runs.stream().allMatch(CompletableFuture::isDone); step++) {
            if (f.transport.waiting()) {
                ScriptedTransport.Sent call = f.transport.next();
                call.answer("gpt-a".equals(call.model()) ? openAiError(503, Map.of()) : openAiAnswer("ok", 20, 3));
            } else if (!f.scheduler.runNext()) {
                break;
            }
            f.scheduler.runDue();
        }

        assertThat(runs).allMatch(CompletableFuture::isDone);
        List<LlmResult> results = runs.stream().map(r -> r.join().result()).toList();
        assertThat(results).allSatisfy(r -> assertThat(r.getStatus()).isEqualTo(ResultStatus.OK));
        long slowest = results.stream().mapToLong(LlmResult::getCompletedAtMs).max().orElseThrow() - T0;
        assertThat(slowest).as("ms until the last request was answered").isLessThan(2_000);
    }

    @Test
    void shouldNotStallWhenAPrimaryThatWasHealthyGoesDownUnderFullLoad() {
        RunFixture f = new RunFixture(null);
        List<CompletableFuture<RunReport>> warm = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            warm.add(f.start(assignment("w" + i)));
        }
        drive(f, warm, call -> openAiAnswer("ok", 20, 3));

        List<CompletableFuture<RunReport>> runs = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            runs.add(f.start(assignment("r" + i)));
        }
        drive(f, runs, call -> "gpt-a".equals(call.model()) ? openAiError(503, Map.of()) : openAiAnswer("ok", 20, 3));

        List<LlmResult> results = runs.stream().map(r -> r.join().result()).toList();
        assertThat(results).allSatisfy(r -> assertThat(r.getStatus()).isEqualTo(ResultStatus.OK));
        long start = results.stream().mapToLong(LlmResult::getCompletedAtMs).min().orElseThrow();
        long slowest = results.stream().mapToLong(LlmResult::getCompletedAtMs).max().orElseThrow() - start;
        assertThat(slowest).as("ms from the first answer to the last").isLessThan(5_000);
    }

    /** Answers calls as {@code reply} says and runs due timers until every run ended. */
    private static void drive(RunFixture f, List<CompletableFuture<RunReport>> runs,
                              java.util.function.Function<ScriptedTransport.Sent, io.llmpipeline.worker.provider.RawResponse> reply) {
        for (int step = 0; step < 10_000_000 && !runs.stream().allMatch(CompletableFuture::isDone); step++) {
            if (f.transport.waiting()) {
                ScriptedTransport.Sent call = f.transport.next();
                call.answer(reply.apply(call));
            } else if (!f.scheduler.runNext()) {
                break;
            }
            f.scheduler.runDue();
        }
        assertThat(runs).allMatch(CompletableFuture::isDone);
    }
}
