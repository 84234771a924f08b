package io.llmpipeline.sim.internal;

import java.util.Arrays;
import java.util.List;

/**
 * The simulated answer to one call, before it is written in a wire format.
 *
 * @param promptTokens     prompt tokens billed (after any context truncation)
 * @param cachedTokens     part of {@code promptTokens} reported as read from the prompt cache
 * @param truncated        whether the answer was cut by the client's output-token limit
 * @param createdEpochSecond when the answer was made
 */
public record Completion(String id, String model, String text, int promptTokens,
                         int cachedTokens, int completionTokens, boolean truncated, long createdEpochSecond) {

    /** The text split into stream deltas, each a word with its leading space; concatenated they equal {@code text}. */
    public List<String> pieces() {
        return text.isEmpty() ? List.of() : Arrays.asList(text.split("(?= )"));
    }

    public int totalTokens() {
        return promptTokens + completionTokens;
    }

    public Completion withPromptTokens(int tokens) {
        return new Completion(id, model, text, tokens, Math.min(cachedTokens, tokens), completionTokens,
                truncated, createdEpochSecond);
    }
}
