package io.llmpipeline.http.internal;

import io.llmpipeline.schemas.ErrorInfo;
import io.llmpipeline.schemas.ErrorKind;

/**
 * How a pipeline error result becomes an HTTP error: the status an OpenAI client expects for the
 * same situation, so its retry logic does the right thing (it retries 429 and 5xx unless told
 * {@code x-should-retry: false}, which the API sends when the result says retrying is useless).
 */
final class ErrorKinds {
    private ErrorKinds() {
    }

    static ApiError of(ErrorInfo error) {
        ErrorKind kind = error.getKind();
        boolean retryable = error.getRetryable();
        String message = error.getMessage();
        return switch (kind) {
            case INVALID_REQUEST -> new ApiError(400, "invalid_request_error", "invalid_request", null, kind, false, message);
            case CONTEXT_OVERFLOW -> new ApiError(400, "invalid_request_error", "context_length_exceeded", "messages", kind, false, message);
            case CONTENT_FILTERED -> new ApiError(400, "invalid_request_error", "content_filter", null, kind, false, message);
            case NO_ROUTE -> new ApiError(400, "invalid_request_error", "no_route", "model", kind, false, message);
            case BUDGET_EXCEEDED -> new ApiError(429, "insufficient_quota", "budget_exceeded", null, kind, false, message);
            case RATE_LIMITED -> new ApiError(429, "rate_limit_exceeded", "provider_rate_limited", null, kind, retryable, message);
            case PROVIDER_OVERLOADED, UNAVAILABLE -> new ApiError(503, "api_error", kind.name().toLowerCase(), null, kind, retryable, message);
            case TIMEOUT, DEADLINE_EXCEEDED -> new ApiError(504, "timeout", kind.name().toLowerCase(), null, kind, retryable, message);
            case AUTHENTICATION, PROVIDER_ERROR, TRANSPORT, MALFORMED_RESPONSE, STREAM_INTERRUPTED ->
                    new ApiError(502, "api_error", kind.name().toLowerCase(), null, kind, retryable, message);
            case INTERNAL -> new ApiError(500, "api_error", "internal", null, kind, retryable, message);
            // a request of a cancelled batch: nothing was called, nothing billed
            case CANCELLED -> new ApiError(409, "invalid_request_error", "cancelled", null, kind, false, message);
        };
    }
}
