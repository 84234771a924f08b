package io.llmpipeline.worker.it;

import java.util.List;
import java.util.Map;

import io.llmpipeline.schemas.ChatMessage;
import io.llmpipeline.schemas.GenerationParams;
import io.llmpipeline.schemas.LlmAssignment;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.ModelRef;
import io.llmpipeline.schemas.Priority;
import io.llmpipeline.schemas.Role;

/** Builds assignments as the router would write them. */
public final class Assignments {
    private Assignments() {
    }

    public static LlmAssignment.Builder of(String requestId, String prompt, ModelRef target, ModelRef... fallbacks) {
        long now = System.currentTimeMillis();
        LlmRequest request = LlmRequest.newBuilder()
                .setRequestId(requestId)
                .setTenantId("tenant-a")
                .setTaskType("chat.test")
                .setPriority(Priority.NORMAL)
                .setMessages(List.of(new ChatMessage(Role.SYSTEM, "Be brief.", null, null),
                        new ChatMessage(Role.USER, prompt, null, null)))
                .setParams(GenerationParams.newBuilder().setMaxTokens(64).build())
                .setMetadata(Map.of("caller", "test"))
                .setSubmittedAtMs(now)
                .build();
        return LlmAssignment.newBuilder()
                .setRequest(request)
                .setRoute("chat")
                .setTarget(target)
                .setFallbackChain(List.of(fallbacks))
                .setEstimatedInputTokens(20)
                .setExactTokenCount(false)
                .setEstimatedCostMicros(500)
                .setCacheKey("ck-" + requestId)
                .setAssignedAtMs(now);
    }

    public static LlmAssignment.Builder withDeadline(LlmAssignment.Builder b, long deadlineEpochMs) {
        LlmRequest r = LlmRequest.newBuilder(b.getRequest()).setDeadlineEpochMs(deadlineEpochMs).build();
        return b.setRequest(r);
    }

    public static LlmAssignment.Builder streaming(LlmAssignment.Builder b) {
        LlmRequest r = b.getRequest();
        GenerationParams p = GenerationParams.newBuilder(r.getParams()).setStream(true).build();
        return b.setRequest(LlmRequest.newBuilder(r).setParams(p).build());
    }

    public static LlmAssignment.Builder priority(LlmAssignment.Builder b, Priority priority) {
        return b.setRequest(LlmRequest.newBuilder(b.getRequest()).setPriority(priority).build());
    }
}
