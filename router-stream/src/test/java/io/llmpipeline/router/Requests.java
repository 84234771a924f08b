package io.llmpipeline.router;

import java.util.List;
import java.util.Map;

import io.llmpipeline.schemas.ChatMessage;
import io.llmpipeline.schemas.GenerationParams;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.Priority;
import io.llmpipeline.schemas.Role;

/** Requests for tests: a valid one to start from, changed by the builder. */
public final class Requests {
    private Requests() {
    }

    public static LlmRequest.Builder valid(String id) {
        return LlmRequest.newBuilder()
                .setRequestId(id)
                .setTenantId("acme")
                .setTaskType("chat")
                .setPriority(Priority.NORMAL)
                .setMessages(List.of(
                        new ChatMessage(Role.SYSTEM, "You are terse.", null, null),
                        new ChatMessage(Role.USER, "Say hello to the world.", null, null)))
                .setParams(GenerationParams.newBuilder().setMaxTokens(100).setTemperature(0.0).build())
                .setMetadata(Map.of("caller", "test"))
                .setSubmittedAtMs(0);
    }

    public static GenerationParams.Builder params() {
        return GenerationParams.newBuilder().setMaxTokens(100).setTemperature(0.0);
    }
}
