package io.llmpipeline.sim.internal;

import java.util.List;

/**
 * A chat request in the simulator's own terms, parsed from any wire format.
 *
 * @param maxTokens    the client's output limit, or null
 * @param includeUsage OpenAI {@code stream_options.include_usage}
 * @param numCtx       Ollama {@code options.num_ctx}, or null
 * @param hasApiKey    whether the request carried a key where the format expects one
 */
public record ChatCall(String model, List<ChatMessage> messages, Integer maxTokens, boolean stream,
                       boolean includeUsage, Integer numCtx, boolean hasApiKey) {

    public ChatCall {
        messages = List.copyOf(messages);
    }

    /** Content of the last message with role user, or "" if there is none. */
    public String lastUserContent() {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if ("user".equals(messages.get(i).role())) {
                return messages.get(i).content();
            }
        }
        return "";
    }
}
