package io.llmpipeline.router.internals;

import java.util.Map;

import io.llmpipeline.schemas.ErrorInfo;
import io.llmpipeline.schemas.ErrorKind;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.Priority;
import io.llmpipeline.schemas.ResultStatus;
import io.llmpipeline.schemas.Usage;

/** Terminal results the router itself writes: a request it refuses, or one it answers from the cache. */
public final class TerminalResults {
    /** Result metadata on an idempotent replay: the request id that was actually answered. */
    public static final String REPLAY_OF = "router.idempotent_replay_of";
    private TerminalResults() {
    }

    public static LlmResult error(LlmRequest request, ErrorKind kind, String message, long nowMs) {
        return error(request, null, kind, message, nowMs);
    }

    /** @param cacheKey set when the refused request led a coalesced group, so its followers are released */
    public static LlmResult error(LlmRequest request, String cacheKey, ErrorKind kind, String message, long nowMs) {
        return LlmResult.newBuilder()
                .setRequestId(orEmpty(request.getRequestId()))
                .setTenantId(orEmpty(request.getTenantId()))
                .setTaskType(orEmpty(request.getTaskType()))
                .setPriority(request.getPriority() == null ? Priority.NORMAL : request.getPriority())
                .setCacheKey(cacheKey)
                .setStatus(ResultStatus.ERROR)
                .setUsage(new Usage(0, 0, 0, 0))
                .setError(ErrorInfo.newBuilder().setKind(kind).setMessage(message)
                        .setRetryable(kind == ErrorKind.BUDGET_EXCEEDED).build())
                .setMetadata(request.getMetadata() == null ? Map.of() : request.getMetadata())
                .setLatencyMs(latency(request, nowMs))
                .setCompletedAtMs(nowMs)
                .build();
    }

    /** An answer from the cache (or from an identical request's call): free, with what it saved. */
    public static LlmResult hit(LlmRequest request, String cacheKey, LlmResult original, long nowMs) {
        Usage used = original.getUsage();
        return LlmResult.newBuilder()
                .setRequestId(request.getRequestId())
                .setTenantId(request.getTenantId())
                .setTaskType(request.getTaskType())
                .setPriority(request.getPriority())
                .setCacheKey(cacheKey)
                .setStatus(ResultStatus.OK)
                .setOutput(original.getOutput())
                .setFinishReason(original.getFinishReason())
                .setProvider(original.getProvider())
                .setModel(original.getModel())
                .setUsage(new Usage(0, 0, 0, 0))
                .setCostMicros(0)
                .setCacheHit(true)
                .setSavedCostMicros(original.getCostMicros() + original.getSavedCostMicros())
                .setSavedTokens(used == null ? 0 : used.getInputTokens() + used.getOutputTokens())
                .setAttempts(0)
                .setMetadata(request.getMetadata() == null ? Map.of() : request.getMetadata())
                .setLatencyMs(latency(request, nowMs))
                .setCompletedAtMs(nowMs)
                .build();
    }

    /**
     * The answer to a request whose idempotency key was already answered: the stored result under the
     * duplicate's own request id, free like a cache hit (the saving is the original's cost), or the same
     * error when the original failed for a reason about the prompt. Its metadata names the original.
     */
    public static LlmResult replay(LlmRequest duplicate, LlmResult original, long nowMs) {
        LlmResult base = original.getStatus() == ResultStatus.OK
                ? hit(duplicate, null, original, nowMs)
                : error(duplicate, null, original.getError().getKind(), "a request with the same idempotency key ("
                        + original.getRequestId() + ") failed: " + original.getError().getMessage(), nowMs);
        Map<String, String> metadata = new java.util.HashMap<>(base.getMetadata());
        metadata.put(REPLAY_OF, original.getRequestId());
        base.setMetadata(metadata);
        return base;
    }

    static long latency(LlmRequest request, long nowMs) {
        return request.getSubmittedAtMs() > 0 ? Math.max(0, nowMs - request.getSubmittedAtMs()) : 0;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
