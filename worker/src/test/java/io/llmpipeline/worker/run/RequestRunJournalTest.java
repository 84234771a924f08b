package io.llmpipeline.worker.run;

import static io.llmpipeline.worker.run.RunFixture.T0;
import static io.llmpipeline.worker.run.ScriptedTransport.openAiAnswer;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import io.llmpipeline.schemas.AttemptJournalEntry;
import io.llmpipeline.schemas.ErrorKind;
import io.llmpipeline.schemas.InvocationEvent;
import io.llmpipeline.schemas.InvocationOutcome;
import io.llmpipeline.schemas.LlmAssignment;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.ModelRef;
import io.llmpipeline.schemas.ResultStatus;
import io.llmpipeline.schemas.Usage;
import io.llmpipeline.worker.it.Assignments;

/**
 * The attempt journal as a run sees it: no call leaves before its start is durable, every call's
 * end is written, and calls of an earlier owner of the request are recorded before the run's own,
 * which are numbered after them.
 */
class RequestRunJournalTest {
    private static final ModelRef GPT_A = new ModelRef("openai", "gpt-a");

    /** A journal whose starts are acknowledged when the test says so. */
    private static final class HeldJournal implements AttemptJournal {
        final List<CompletableFuture<Void>> starts = new ArrayList<>();
        final List<Call> started = new ArrayList<>();
        final List<Usage> endedWith = new ArrayList<>();

        @Override
        public CompletableFuture<Void> started(Call call) {
            started.add(call);
            CompletableFuture<Void> f = new CompletableFuture<>();
            starts.add(f);
            return f;
        }

        @Override
        public void ended(Call call, long endedAtMs, Usage billed, ErrorKind failure) {
            endedWith.add(billed);
        }
    }

    private static LlmAssignment assignment(String id) {
        LlmAssignment.Builder b = Assignments.of(id, "hello", GPT_A);
        LlmRequest r = LlmRequest.newBuilder(b.getRequest()).setSubmittedAtMs(T0).setDeadlineEpochMs(T0 + 60_000).build();
        return b.setRequest(r).setAssignedAtMs(T0).build();
    }

    private static AttemptJournalEntry.Builder earlier(int attempt) {
        return AttemptJournalEntry.newBuilder().setRequestId("r1").setAttempt(attempt).setProvider("openai")
                .setModel("gpt-a").setWorkerId("w-dead").setSourceOffset(7).setStartedAtMs(T0 - 1_000).setMaxOutputTokens(100);
    }

    @Test
    void shouldNotLetACallLeaveBeforeItsStartIsDurableAndWriteItsEnd() {
        RunFixture f = new RunFixture(null);
        HeldJournal journal = new HeldJournal();
        CompletableFuture<RunReport> run = f.start(assignment("r1"), new RunHooks(() -> null, journal, List.of()));

        assertThat(journal.started).extracting(AttemptJournal.Call::attempt).containsExactly(1);
        assertThat(f.transport.sent()).as("held until the journal acknowledges").isEmpty();

        journal.starts.getFirst().complete(null);
        f.scheduler.runDue();
        assertThat(f.transport.sent()).hasSize(1);
        f.transport.next().answer(openAiAnswer("hi", 20, 3));

        assertThat(run.join().result().getStatus()).isEqualTo(ResultStatus.OK);
        assertThat(journal.endedWith).containsExactly(new Usage(20, 3, 0, 0));
    }

    @Test
    void shouldMakeNoCallWhileTheJournalCannotTakeItsStartAndTryAgainLater() {
        RunFixture f = new RunFixture(null);
        HeldJournal journal = new HeldJournal();
        CompletableFuture<RunReport> run = f.start(assignment("r1"), new RunHooks(() -> null, journal, List.of()));

        journal.starts.getFirst().completeExceptionally(new IllegalStateException("broker unreachable"));
        f.scheduler.runDue();
        assertThat(f.transport.sent()).isEmpty();

        f.scheduler.advance(Duration.ofMillis(RequestRun.JOURNAL_RETRY_MS));
        assertThat(journal.started).as("asked again after the pause").hasSize(2);
        journal.starts.get(1).complete(null);
        f.scheduler.runDue();
        f.transport.next().answer(openAiAnswer("hi", 20, 3));

        assertThat(run.join().result().getStatus()).isEqualTo(ResultStatus.OK);
        assertThat(f.transport.sent()).hasSize(1);
    }

    @Test
    void shouldRecordAnEarlierOwnersCallsBilledAndNumberItsOwnAfterThem() {
        RunFixture f = new RunFixture(null);
        List<AttemptJournalEntry> before = List.of(
                earlier(1).setEndedAtMs(T0 - 900).setErrorKind(ErrorKind.PROVIDER_OVERLOADED).build(),
                earlier(2).setEndedAtMs(T0 - 500).setUsage(new Usage(20, 7, 0, 0)).build(),
                earlier(3).build());
        CompletableFuture<RunReport> run = f.start(assignment("r1"), new RunHooks(() -> null, AttemptJournal.NONE, before));
        f.transport.next().answer(openAiAnswer("hi", 20, 3));

        List<InvocationEvent> events = run.join().events();
        assertThat(events).extracting(InvocationEvent::getEventId).containsExactly("r1/1", "r1/2", "r1/3", "r1/4");
        assertThat(events).extracting(InvocationEvent::getOutcome).containsExactly(InvocationOutcome.FAILURE,
                InvocationOutcome.INTERRUPTED, InvocationOutcome.INTERRUPTED, InvocationOutcome.SUCCESS);
        assertThat(events).extracting(InvocationEvent::getBilled).containsExactly(false, true, true, true);
        assertThat(events.get(1).getUsage()).as("the answer the dead worker got").isEqualTo(new Usage(20, 7, 0, 0));
        assertThat(events.get(2).getUsage()).as("cut off in flight: estimated prompt, whole output cap")
                .isEqualTo(new Usage(20, 100, 0, 0));
        assertThat(events).extracting(InvocationEvent::getFinalAttempt).containsExactly(false, false, false, true);
        long billed = events.stream().mapToLong(InvocationEvent::getCostMicros).sum();
        assertThat(run.join().result().getCostMicros()).as("the request's cost includes the calls it lost").isEqualTo(billed);
        assertThat(run.join().result().getAttempts()).isEqualTo(4);
    }
}
