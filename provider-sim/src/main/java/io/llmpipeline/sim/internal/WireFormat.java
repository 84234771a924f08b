package io.llmpipeline.sim.internal;

import java.util.List;

import org.eclipse.jetty.server.Request;

import com.fasterxml.jackson.databind.JsonNode;

/** One provider's request and response shapes. */
public sealed interface WireFormat permits OpenAiFormat, AnthropicFormat, OllamaFormat, GeminiFormat {

    /**
     * @param pathModel the model named in the URL (Gemini), else null
     * @param pathStream whether the URL asked for a stream (Gemini), else false
     */
    ChatCall parse(Request request, JsonNode body, String pathModel, boolean pathStream) throws BadRequest;

    byte[] body(Completion completion, ChatCall call);

    String streamContentType();

    /** Every frame of a complete stream, final events included. */
    List<byte[]> frames(Completion completion, ChatCall call);

    /** What ends one frame; used to keep a malformed frame framed. */
    String frameTerminator();

    /** The provider's error response for this status. */
    Answer.Full error(int status, String message, Integer retryAfterSeconds);

    /** The provider's 400 for a request it cannot accept. */
    default Answer.Full badRequest(BadRequest problem) {
        return error(400, problem.getMessage(), null);
    }

    /** The provider's error for a prompt longer than the model's context. */
    Answer.Full contextTooLong(int promptTokens, int limit);

    /** The provider's error for a missing API key. */
    default Answer.Full missingApiKey() {
        return error(401, "No API key provided.", null);
    }

    /** The provider's error for the simulator's own limits; {@code limitName} is "requests" or "tokens". */
    default Answer.Full rateLimited(String model, String limitName, long limit, int retryAfterSeconds) {
        String unit = "requests".equals(limitName) ? "requests per min (RPM)" : "tokens per min (TPM)";
        return error(429, "Rate limit reached for " + model + " on " + unit + ": Limit " + limit
                + ". Please try again in " + retryAfterSeconds + "s.", retryAfterSeconds);
    }

    /**
     * The provider's rate-limit headers for a call under the simulator's limits (on answers and on
     * 429s alike); none by default, as Gemini and Ollama send none.
     */
    default java.util.Map<String, String> rateLimitHeaders(RateLimits.Admission admission, java.time.Instant now) {
        return java.util.Map.of();
    }

    /** Whether over-long prompts are silently truncated (Ollama) instead of refused. */
    default boolean truncatesContext() {
        return false;
    }

    /** The provider's default context when the request does not set one; 0 = unlimited. */
    default int defaultContext(ChatCall call) {
        return 0;
    }
}
