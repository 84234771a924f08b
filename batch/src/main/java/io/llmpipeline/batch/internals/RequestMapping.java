package io.llmpipeline.batch.internals;

import java.util.Map;

import io.llmpipeline.batch.SubmitOptions;
import io.llmpipeline.schemas.CachePolicy;
import io.llmpipeline.schemas.LlmRequest;

/** A valid line of a batch as the request the pipeline runs. */
public final class RequestMapping {
    private RequestMapping() {
    }

    public static LlmRequest request(String batchId, ParsedLine.Valid line, SubmitOptions options, long expiresAtMs, long nowMs) {
        return LlmRequest.newBuilder()
                .setRequestId(BatchIds.requestId(batchId, line.customId()))
                .setTenantId(options.tenant())
                .setTaskType(options.effectiveTaskType())
                .setPriority(options.priority())
                .setMessages(line.messages())
                .setParams(line.params())
                .setModel(options.taskType() == null ? line.model() : null)
                .setCachePolicy(CachePolicy.ROUTE_DEFAULT)
                .setDeadlineEpochMs(expiresAtMs)
                .setIdempotencyKey(BatchIds.idempotencyKey(batchId, line.customId()))
                .setMetadata(Map.of(BatchIds.BATCH_ID, batchId, BatchIds.CUSTOM_ID, line.customId(),
                        BatchIds.LINE, Long.toString(line.lineNumber())))
                .setPassthroughJson(line.passthrough())
                .setSubmittedAtMs(nowMs)
                .build();
    }
}
