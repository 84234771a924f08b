package io.llmpipeline.worker.provider;

import java.time.Clock;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.llmpipeline.catalog.ProviderKind;
import io.llmpipeline.schemas.ErrorKind;
import io.llmpipeline.schemas.Usage;
import io.llmpipeline.worker.guard.FailurePolicy;
import io.llmpipeline.worker.guard.ProviderLimits;
import io.llmpipeline.worker.provider.AttemptOutcome.Answered;
import io.llmpipeline.worker.provider.AttemptOutcome.Failed;

/**
 * Translates between the pipeline and one provider's wire format: builds the HTTP request and
 * reads whatever came back (an answer, an error body, a stream, or a stream cut short) into an
 * {@link AttemptOutcome}. Stateless and thread-safe; one instance per kind.
 */
public abstract sealed class ProviderAdapter permits OpenAiAdapter, AnthropicAdapter, OllamaAdapter, GeminiAdapter {
    private final Clock clock;

    ProviderAdapter(Clock clock) {
        this.clock = clock;
    }

    public static ProviderAdapter forKind(ProviderKind kind, Clock clock) {
        return switch (kind) {
            case OPENAI -> new OpenAiAdapter(clock);
            case ANTHROPIC -> new AnthropicAdapter(clock);
            case OLLAMA -> new OllamaAdapter(clock);
            case GEMINI -> new GeminiAdapter(clock);
        };
    }

    /**
     * @throws IllegalArgumentException when the request cannot be expressed (bad passthrough_json):
     *                                  the request's fault, never worth a retry
     */
    public abstract HttpCall request(ProviderCall call);

    /** Reads a response; never throws. */
    public final AttemptOutcome outcome(RawResponse response, ProviderCall call) {
        String apiKey = call.apiKey();
        AttemptOutcome outcome = read(response, call);
        if (outcome instanceof Failed f && apiKey != null) {
            return new Failed(f.kind(), f.httpStatus(), HttpFailures.redact(f.message(), apiKey), f.retryAfter(),
                    f.usage(), f.partial());
        }
        return outcome;
    }

    /** What the response's headers say of the provider's rate limits (and whether the account is exhausted); never throws. */
    public final ProviderLimits limits(RawResponse response) {
        try {
            return RateLimitHeaders.read(response, clock);
        } catch (RuntimeException e) {
            return ProviderLimits.NONE;
        }
    }

    private AttemptOutcome read(RawResponse response, ProviderCall call) {
        int status = response.status();
        if (status < 200 || status >= 300) {
            JsonNode body = WireJson.tryParse(response.body());
            String message = body == null ? response.bodyText() : errorMessage(body);
            ErrorKind kind = refineError(FailurePolicy.kindOf(status), status, body, message);
            return new Failed(kind, status, "HTTP " + status + ": " + HttpFailures.shorten(message),
                    HttpFailures.retryAfter(response, clock), null, false);
        }
        if (call.stream()) {
            return streamOutcome(readStream(response.bodyText(), call), response, call);
        }
        JsonNode body = response.complete() ? WireJson.tryParse(response.body()) : null;
        if (body == null) {
            // Usage is read from the raw text first, so a billed call is accounted even when its body is not JSON.
            Usage usage = scanUsage(response.bodyText());
            ErrorKind kind = response.complete() ? ErrorKind.MALFORMED_RESPONSE : ErrorKind.TRANSPORT;
            String why = response.complete() ? "200 with a body that is not valid JSON"
                    : "connection lost while reading the answer: " + describe(response.cutBy());
            return new Failed(kind, status, why, null, usage, false);
        }
        try {
            return answer(body, call);
        } catch (RuntimeException e) {
            return new Failed(ErrorKind.MALFORMED_RESPONSE, status, "unexpected answer shape: " + e.getMessage(), null,
                    safeUsage(body), false);
        }
    }

    private AttemptOutcome streamOutcome(StreamAssembly s, RawResponse response, ProviderCall call) {
        if (s.errorKind() != null) {
            return new Failed(s.errorKind(), response.status(), "error event in the stream: " + HttpFailures.shorten(s.errorMessage()),
                    null, s.hasContent() ? s.usageOrEstimate(call) : s.usage(), s.hasContent());
        }
        if (s.finished()) {
            return new Answered(s.text(), s.finishReason(), s.usageOrEstimate(call));
        }
        String why = response.complete() ? "stream ended without its final event"
                : "stream cut: " + describe(response.cutBy());
        if (s.hasContent()) {
            return new Failed(ErrorKind.STREAM_INTERRUPTED, response.status(), why + " after " + s.chunks() + " chunks",
                    null, s.usageOrEstimate(call), true);
        }
        return new Failed(ErrorKind.TRANSPORT, response.status(), why + " before any content", null, s.usage(), false);
    }

    private static String describe(Throwable cause) {
        return cause == null ? "end of stream" : cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + HttpFailures.shorten(cause.getMessage()));
    }

    private Usage safeUsage(JsonNode body) {
        try {
            Usage u = usage(body);
            return u.getInputTokens() + u.getOutputTokens() > 0 ? u : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** A complete, non-streamed 2xx body. */
    protected abstract AttemptOutcome answer(JsonNode body, ProviderCall call);

    /** Usage as this provider reports it in a body. */
    protected abstract Usage usage(JsonNode body);

    /** Usage found in a text that did not parse; null when none. */
    protected abstract Usage scanUsage(String text);

    /** The streamed text, complete or cut, assembled. */
    protected abstract StreamAssembly readStream(String text, ProviderCall call);

    /** The human-readable message of an error body. */
    protected abstract String errorMessage(JsonNode body);

    /** A more precise kind from the error body (context overflow, overloaded ...). */
    protected ErrorKind refineError(ErrorKind byStatus, int status, JsonNode body, String message) {
        if ((status == 400 || status == 413 || status == 422) && HttpFailures.looksLikeContextOverflow(message)) {
            return ErrorKind.CONTEXT_OVERFLOW;
        }
        return byStatus;
    }

    static Usage usage(int input, int output, int cached, int cacheCreation) {
        return new Usage(Math.max(0, input), Math.max(0, output), Math.max(0, cached), Math.max(0, cacheCreation));
    }

    static String role(io.llmpipeline.schemas.Role role) {
        return switch (role) {
            case SYSTEM -> "system";
            case USER -> "user";
            case ASSISTANT -> "assistant";
            case TOOL -> "tool";
        };
    }

    static Map<String, String> jsonHeaders() {
        return Map.of("content-type", "application/json", "accept", "application/json");
    }
}
