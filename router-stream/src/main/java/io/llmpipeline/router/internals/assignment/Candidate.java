package io.llmpipeline.router.internals.assignment;

import io.llmpipeline.catalog.ModelConfig;

/**
 * One model that could answer a request, with what it would take.
 *
 * @param listed      position in the route's candidate list (ties keep this order)
 * @param inputTokens the prompt counted with this model's tokenizer
 * @param outputTokens what is reserved for the answer (max_tokens, or what the model and window allow)
 * @param worstCaseMicros input plus reserved output at this model's prices
 * @param stats       live statistics, or {@link ModelStats#empty()} when none have been seen
 */
public record Candidate(String name, ModelConfig model, int listed, int inputTokens, boolean exact, int outputTokens,
                        long worstCaseMicros, ModelStats stats) {
}
