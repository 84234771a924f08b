package io.llmpipeline.worker.run;

import java.util.concurrent.CompletableFuture;

import io.llmpipeline.schemas.ErrorKind;
import io.llmpipeline.schemas.ModelRef;
import io.llmpipeline.schemas.Usage;

/**
 * Where a run's calls are written down before they leave, so that a call whose worker dies, or
 * loses the request's partition, before the result is committed can still be recorded (and billed)
 * by the request's next owner. See {@code AttemptJournalEntry}.
 */
public interface AttemptJournal {
    /** One call: its number within the request, its model, when it started and its output cap. */
    record Call(int attempt, ModelRef model, long startedAtMs, int maxOutputTokens) {
    }

    /** Completes once the start is durable; only then may the call leave. Fails when it cannot be made durable. */
    CompletableFuture<Void> started(Call call);

    /**
     * The call ended (also when the run was abandoned meanwhile): what the provider billed, or
     * null, and why it failed, or null. Not waited for.
     */
    void ended(Call call, long endedAtMs, Usage billed, ErrorKind failure);

    /** No journal: tests of a run alone, and workers that run without one. */
    AttemptJournal NONE = new AttemptJournal() {
        @Override
        public CompletableFuture<Void> started(Call call) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void ended(Call call, long endedAtMs, Usage billed, ErrorKind failure) {
        }
    };
}
