package io.llmpipeline.worker.run;

import java.util.List;
import java.util.function.Supplier;

import io.llmpipeline.schemas.AttemptJournalEntry;

/**
 * What a run learns from outside its own request.
 *
 * @param stopReason asked before every call the run would make: non-null (its batch was cancelled)
 *                   ends the run with that message and no further call
 * @param journal    where its calls are written down before they leave
 * @param earlier    calls of earlier owners of this request that have no committed invocation event
 *                   (their worker died or lost the partition), one entry per attempt, end record
 *                   preferred to start record
 */
public record RunHooks(Supplier<String> stopReason, AttemptJournal journal, List<AttemptJournalEntry> earlier) {
    public static final RunHooks NONE = new RunHooks(() -> null, AttemptJournal.NONE, List.of());

    public RunHooks {
        earlier = List.copyOf(earlier);
    }
}
