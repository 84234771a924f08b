package io.llmpipeline.batch.internals;

import io.llmpipeline.schemas.BatchEvent;
import io.llmpipeline.schemas.BatchEventKind;
import io.llmpipeline.schemas.BatchLineOutcome;
import io.llmpipeline.schemas.ErrorKind;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.ResultStatus;

/** A batch request's terminal result as the one event the tracker counts. */
public final class ResultTally {
    private ResultTally() {
    }

    /** Null when the result is not of a batch. */
    public static BatchEvent of(LlmResult result) {
        String batchId = result.getMetadata().get(BatchIds.BATCH_ID);
        if (batchId == null) {
            return null;
        }
        boolean billedHere = !result.getCacheHit();
        return BatchEvent.newBuilder()
                .setBatchId(batchId)
                .setKind(BatchEventKind.RESULT)
                .setAtMs(result.getCompletedAtMs())
                .setRequestId(result.getRequestId())
                .setOutcome(outcome(result))
                .setCostMicros(result.getCostMicros())
                // a cache hit or an idempotent replay carries the original's usage but bills nothing
                .setInputTokens(billedHere ? result.getUsage().getInputTokens() : 0)
                .setOutputTokens(billedHere ? result.getUsage().getOutputTokens() : 0)
                .build();
    }

    public static BatchLineOutcome outcome(LlmResult result) {
        if (result.getStatus() == ResultStatus.OK) {
            return BatchLineOutcome.COMPLETED;
        }
        ErrorKind kind = result.getError() == null ? ErrorKind.INTERNAL : result.getError().getKind();
        return switch (kind) {
            case CANCELLED -> BatchLineOutcome.CANCELLED;
            // every batch request's deadline is the end of its batch's completion window
            case DEADLINE_EXCEEDED -> BatchLineOutcome.EXPIRED;
            default -> BatchLineOutcome.FAILED;
        };
    }
}
