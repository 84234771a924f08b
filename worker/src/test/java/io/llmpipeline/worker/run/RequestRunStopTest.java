package io.llmpipeline.worker.run;

import static io.llmpipeline.worker.run.RunFixture.T0;
import static io.llmpipeline.worker.run.ScriptedTransport.openAiAnswer;
import static io.llmpipeline.worker.run.ScriptedTransport.openAiError;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.llmpipeline.schemas.ErrorKind;
import io.llmpipeline.schemas.InvocationEvent;
import io.llmpipeline.schemas.LlmAssignment;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.ModelRef;
import io.llmpipeline.worker.it.Assignments;

/**
 * A batch cancelled while its requests are already in the worker: a run that has not called yet
 * (waiting for a call slot, or between retries) makes no further call and ends CANCELLED; a call
 * already made stays billed.
 */
class RequestRunStopTest {
    private static final ModelRef GPT_A = new ModelRef("openai", "gpt-a");
    private static final String ONE_SLOT = "{maxConcurrentCalls: 1, retryInitialBackoffMs: 50, retryMaxBackoffMs: 200, retryJitter: 0}";
    private static final String CANCELLED = "batch b-1 was cancelled";

    private static LlmAssignment assignment(String id) {
        LlmAssignment.Builder b = Assignments.of(id, "hello", GPT_A);
        LlmRequest r = LlmRequest.newBuilder(b.getRequest()).setSubmittedAtMs(T0).setDeadlineEpochMs(T0 + 60_000).build();
        return b.setRequest(r).setAssignedAtMs(T0).build();
    }

    private static LlmResult resultOf(CompletableFuture<RunReport> run) {
        assertThat(run).as("the run has ended").isDone();
        return run.join().result();
    }

    @Test
    void shouldEndWithoutACallARunWaitingForACallSlotWhenItsBatchIsCancelled() {
        RunFixture f = new RunFixture(ONE_SLOT);
        AtomicReference<String> stop = new AtomicReference<>();
        CompletableFuture<RunReport> calling = f.start(assignment("first"), stop::get);
        CompletableFuture<RunReport> waiting = f.start(assignment("second"), stop::get);
        ScriptedTransport.Sent first = f.transport.next();

        stop.set(CANCELLED);
        first.answer(openAiAnswer("hi", 20, 3));
        f.scheduler.runDue();

        assertThat(resultOf(calling).getError()).as("the call in flight finished").isNull();
        assertThat(resultOf(waiting).getError().getKind()).isEqualTo(ErrorKind.CANCELLED);
        assertThat(resultOf(waiting).getError().getMessage()).isEqualTo(CANCELLED);
        assertThat(f.transport.sent()).as("provider calls").hasSize(1);
        assertThat(waiting.join().events()).extracting(InvocationEvent::getBilled).containsOnly(false);
    }

    @Test
    void shouldMakeNoRetryAfterItsBatchIsCancelledAndKeepTheFailedAttemptBilled() {
        RunFixture f = new RunFixture(ONE_SLOT);
        AtomicReference<String> stop = new AtomicReference<>();
        CompletableFuture<RunReport> run = f.start(assignment("r1"), stop::get);

        f.transport.next().answer(openAiError(503, Map.of()));
        stop.set(CANCELLED);
        f.scheduler.runNext();

        LlmResult result = resultOf(run);
        assertThat(result.getError().getKind()).isEqualTo(ErrorKind.CANCELLED);
        assertThat(f.transport.sent()).as("no retry was sent").hasSize(1);
        List<InvocationEvent> events = run.join().events();
        assertThat(events.getFirst().getErrorKind()).as("the attempt the provider saw").isNotEqualTo(ErrorKind.CANCELLED);
    }

    @Test
    void shouldNotCallAtAllForARequestWhoseBatchWasCancelledBeforeItArrived() {
        RunFixture f = new RunFixture(ONE_SLOT);
        CompletableFuture<RunReport> run = f.start(assignment("late"), () -> CANCELLED);

        assertThat(resultOf(run).getError().getKind()).isEqualTo(ErrorKind.CANCELLED);
        assertThat(f.transport.sent()).isEmpty();
        assertThat(run.join().events()).extracting(InvocationEvent::getBilled).containsOnly(false);
    }
}
