package io.llmpipeline.worker.run;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.llmpipeline.catalog.CostLabels;
import io.llmpipeline.schemas.AttemptJournalEntry;
import io.llmpipeline.schemas.InvocationEvent;
import io.llmpipeline.schemas.LlmAssignment;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.Readmissions;

/**
 * What a worker does with a request whose earlier owners' calls may have been billed: it records
 * those calls and sends the request back to the router rather than calling again. The router
 * reserved budget for one call's worst case; a second call on the same reservation could pass a
 * budget by what the lost call cost. Back at the router the request gets a reservation of its own,
 * or, when the budget has no room left for it, its BUDGET_EXCEEDED result.
 */
public final class Readmission {
    private Readmission() {
    }

    /**
     * Whether any earlier call may have been billed (it answered, or it was cut off in flight).
     * Shadow requests are not readmitted: they have no result to wait for and re-run on their copy.
     */
    public static boolean needed(LlmAssignment assignment, List<AttemptJournalEntry> earlier) {
        return !assignment.getShadow()
                && earlier.stream().anyMatch(e -> e.getEndedAtMs() == null || e.getUsage() != null);
    }

    /**
     * The earlier calls' invocation events; the last is final, so the router releases the request's
     * reservation and books what the calls cost.
     */
    public static List<InvocationEvent> events(LlmAssignment assignment, List<AttemptJournalEntry> earlier, RunContext ctx) {
        AttemptLog log = new AttemptLog(assignment, ctx.workerId(), ctx.clock(),
                CostLabels.select(ctx.catalog(), assignment.getRequest().getMetadata()));
        earlier.forEach(e -> log.earlier(e, ctx.catalog().config().models().get(e.getModel())));
        return log.closedForReadmission();
    }

    /** The request to send back: the same one, saying how many attempts were made before. */
    public static LlmRequest request(LlmAssignment assignment, List<AttemptJournalEntry> earlier) {
        LlmRequest request = assignment.getRequest();
        int before = Math.max(Readmissions.attemptsBefore(request),
                earlier.stream().mapToInt(AttemptJournalEntry::getAttempt).max().orElse(0));
        Map<String, String> metadata = new HashMap<>(request.getMetadata());
        metadata.put(Readmissions.AFTER_ATTEMPTS, Integer.toString(before));
        return LlmRequest.newBuilder(request).setMetadata(metadata).build();
    }
}
