package io.llmpipeline.http.internal;

import io.llmpipeline.schemas.ErrorKind;

/**
 * A call the API answers with an error before or instead of a pipeline result: each API format
 * renders it in its own error JSON. Carries no stack trace: it is an answer, not a bug.
 *
 * @param status    HTTP status
 * @param type      OpenAI error type (the Anthropic renderer maps it to its own)
 * @param code      machine-readable code, or null
 * @param param     the request field at fault, or null
 * @param kind      the pipeline's error kind when the pipeline decided, else null
 * @param retryable whether sending the same call again may succeed (sets x-should-retry)
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String type;
    private final String code;
    private final String param;
    private final ErrorKind kind;
    private final boolean retryable;

    public ApiError(int status, String type, String code, String param, ErrorKind kind, boolean retryable, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
        this.kind = kind;
        this.retryable = retryable;
    }

    public static ApiError invalid(String param, String message) {
        return new ApiError(400, "invalid_request_error", "invalid_request", param, ErrorKind.INVALID_REQUEST, false, message);
    }

    public static ApiError notFound(String message) {
        return new ApiError(404, "invalid_request_error", "not_found", null, null, false, message);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }

    public String param() {
        return param;
    }

    public ErrorKind kind() {
        return kind;
    }

    public boolean retryable() {
        return retryable;
    }
}
