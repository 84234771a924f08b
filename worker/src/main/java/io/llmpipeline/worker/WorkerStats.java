package io.llmpipeline.worker;

import java.util.Map;

/**
 * A snapshot of what a worker has done since it started.
 *
 * @param inFlightNow             provider calls awaiting an answer now
 * @param inFlightMax             the most provider calls that awaited an answer at once
 * @param requestsInFlightNow     requests being worked on now (calling, backing off, waiting for a model)
 * @param requestsInFlightMax     the most requests worked on at once
 * @param queued                  assignments taken from Kafka, waiting for a free slot
 * @param awaitingCommit          output records waiting for the next commit
 * @param providerCalls           provider calls made (attempts sent)
 * @param completedRequests       requests answered OK
 * @param failedRequests          requests that ended with an error result
 * @param shadowRequests          shadow requests finished (no result written)
 * @param deadLettered            records sent to the DLQ
 * @param retries                 retries of the same model after a transient failure
 * @param failovers               moves to another candidate
 * @param rateLimitWaits          calls that waited for a rate limit
 * @param callsByModel            provider calls per model
 * @param breakerOpenedAfterCalls per model, the calls made when its breaker first opened (models whose breaker never opened are absent)
 * @param breakerStates           per model, the breaker's state now
 */
public record WorkerStats(
        int inFlightNow,
        int inFlightMax,
        int requestsInFlightNow,
        int requestsInFlightMax,
        int queued,
        int awaitingCommit,
        long providerCalls,
        long completedRequests,
        long failedRequests,
        long shadowRequests,
        long deadLettered,
        long retries,
        long failovers,
        long rateLimitWaits,
        Map<String, Long> callsByModel,
        Map<String, Long> breakerOpenedAfterCalls,
        Map<String, String> breakerStates) {

    public WorkerStats {
        callsByModel = Map.copyOf(callsByModel);
        breakerOpenedAfterCalls = Map.copyOf(breakerOpenedAfterCalls);
        breakerStates = Map.copyOf(breakerStates);
    }

    /** Requests finished with a result, OK or error. */
    public long finishedRequests() {
        return completedRequests + failedRequests;
    }
}
