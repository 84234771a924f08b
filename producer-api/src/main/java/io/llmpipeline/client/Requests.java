package io.llmpipeline.client;

import java.util.List;
import java.util.UUID;

import io.llmpipeline.schemas.ChatMessage;
import io.llmpipeline.schemas.GenerationParams;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.Priority;
import io.llmpipeline.schemas.Role;

/** Shortcuts for building requests; the generated {@link LlmRequest#newBuilder()} covers the rest. */
public final class Requests {
    private Requests() {
    }

    /** A one-message chat request with a fresh id and the provider's default parameters. */
    public static LlmRequest.Builder chat(String tenant, String taskType, Priority priority, String prompt) {
        return LlmRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setTenantId(tenant)
                .setTaskType(taskType)
                .setPriority(priority)
                .setMessages(List.of(new ChatMessage(Role.USER, prompt, null, null)))
                .setParams(GenerationParams.newBuilder().build());
    }

    public static ChatMessage message(Role role, String content) {
        return new ChatMessage(role, content, null, null);
    }
}
