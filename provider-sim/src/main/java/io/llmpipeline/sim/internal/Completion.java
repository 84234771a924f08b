package io.llmpipeline.sim.internal;

import java.util.List;

/**
 * The simulated answer to one call, before it is written in a wire format.
 *
 * @param pieces           the text split into stream deltas; concatenated they equal {@code text}
 * @param promptTokens     prompt tokens billed (after any context truncation)
 * @param cachedTokens     part of {@code promptTokens} reported as read from the prompt cache
 * @param truncated        whether the answer was cut by the client's output-token limit
 * @param createdEpochSecond when the answer was made
 */
public record Completion(String id, String model, String text, List<String> pieces, int promptTokens,
                         int cachedTokens, int completionTokens, boolean truncated, long createdEpochSecond) {

    public Completion {
        pieces = List.copyOf(pieces);
    }

    public int totalTokens() {
        return promptTokens + completionTokens;
    }

    public Completion withPromptTokens(int tokens) {
        return new Completion(id, model, text, pieces, tokens, Math.min(cachedTokens, tokens), completionTokens,
                truncated, createdEpochSecond);
    }
}
