package io.llmpipeline.http.internal;

import io.llmpipeline.schemas.LlmRequest;

/**
 * A request body as the pipeline will see it, with what the response needs to know.
 *
 * @param request      everything the body says; headers, id and tenant are set after
 * @param stream       answer as server-sent events
 * @param includeUsage OpenAI {@code stream_options.include_usage}: a last chunk with the usage
 */
public record ParsedCall(LlmRequest.Builder request, boolean stream, boolean includeUsage) {
}
