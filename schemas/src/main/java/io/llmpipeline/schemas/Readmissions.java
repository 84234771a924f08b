package io.llmpipeline.schemas;

/**
 * A request a worker sends back to the router instead of calling again: earlier owners' calls of
 * it may have been billed against its one budget reservation (they died or lost the partition
 * mid-call), so it needs a reservation of its own before another call. It goes on
 * {@code llm.requests} under its own request id, with this metadata entry.
 */
public final class Readmissions {
    /**
     * Request metadata: the attempts earlier owners made (and recorded as invocation events). The
     * router lets the request past its duplicate check and its coalescing stages (it is the same
     * request, already the leader of its keys); the next worker numbers its attempts after these.
     */
    public static final String AFTER_ATTEMPTS = "worker.readmitted_after_attempts";

    private Readmissions() {
    }

    /** The attempts made before this request was readmitted; 0 for a request never readmitted. */
    public static int attemptsBefore(LlmRequest request) {
        String value = request.getMetadata().get(AFTER_ATTEMPTS);
        if (value == null) {
            return 0;
        }
        try {
            return Math.max(0, Integer.parseInt(value));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
