package io.llmpipeline.worker.provider;

import java.time.Duration;

import io.llmpipeline.schemas.ErrorKind;
import io.llmpipeline.schemas.Usage;

/** How one provider call ended. */
public sealed interface AttemptOutcome {

    /** Usage the provider reported (or that was recovered); null when nothing was billed. */
    Usage usage();

    /**
     * A complete answer.
     *
     * @param text         the answer
     * @param finishReason normalised: stop, length, content_filter, tool_calls
     * @param usage        as reported
     */
    record Answered(String text, String finishReason, Usage usage) implements AttemptOutcome {
    }

    /**
     * The call failed.
     *
     * @param kind        what went wrong
     * @param httpStatus  the status, null when there was no response
     * @param message     a short description without secrets
     * @param retryAfter  the provider's Retry-After, null when absent
     * @param usage       tokens billed despite the failure (cut stream, unparseable body), else null
     * @param partial     part of an answer had been received before the failure
     */
    record Failed(ErrorKind kind, Integer httpStatus, String message, Duration retryAfter, Usage usage,
                  boolean partial) implements AttemptOutcome {
        public static Failed of(ErrorKind kind, Integer status, String message) {
            return new Failed(kind, status, message, null, null, false);
        }

        public boolean billed() {
            return usage != null;
        }
    }
}
