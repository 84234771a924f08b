package io.llmpipeline.batch.internals;

/** Names derived from a batch: its requests' ids, idempotency keys and metadata. */
public final class BatchIds {
    /** Request metadata key naming the batch (cost attribution labels copy it onto invocation events). */
    public static final String BATCH_ID = "batch_id";
    public static final String CUSTOM_ID = "batch_custom_id";
    public static final String LINE = "batch_line";

    private BatchIds() {
    }

    /**
     * One request per (batch, custom_id): a line sent twice (a resumed submitter) has the same id and
     * idempotency key, so the router answers it once.
     */
    public static String requestId(String batchId, String customId) {
        return batchId + "/" + customId;
    }

    public static String idempotencyKey(String batchId, String customId) {
        return requestId(batchId, customId);
    }
}
