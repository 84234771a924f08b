package io.llmpipeline.worker.guard;

import io.llmpipeline.schemas.ErrorKind;

/**
 * The one place that decides what a failure means: what an HTTP status says, what a failed
 * attempt does to its request (retry, fail over, fail), whether it counts against the model's
 * breaker, and whether a request that ends with it may be retried by its caller. Only transient
 * faults are retried; only faults of the provider count against its breaker (a bad request or a
 * prompt too long for the model says nothing about the provider's health).
 */
public final class FailurePolicy {

    /** What a request does after a failed attempt. */
    public enum Action {
        /** Try the same model again after a backoff (within its attempts). */
        RETRY,
        /** The model cannot serve anyone now: cool it down and move to the next candidate. */
        FAIL_OVER,
        /** The model cannot serve this request (context overflow): move to the next candidate. */
        NEXT_CANDIDATE,
        /** No model can serve this request as written: fail it. */
        FAIL_REQUEST
    }

    /**
     * @param action               what the request does next
     * @param countsAgainstBreaker whether the attempt is a failure in the model's breaker
     * @param retryableForCaller   whether a request ending with this kind may be sent again later
     *                             ({@code ErrorInfo.retryable})
     * @param discardsPartial      part of an answer arrived and is thrown away: the request starts
     *                             over, never splicing two attempts' output
     */
    public record Verdict(Action action, boolean countsAgainstBreaker, boolean retryableForCaller,
                          boolean discardsPartial) {
    }

    private FailurePolicy() {
    }

    /** What an HTTP error status means, whatever the provider; adapters refine it from the body. */
    public static ErrorKind kindOf(int status) {
        return switch (status) {
            case 400, 422 -> ErrorKind.INVALID_REQUEST;
            case 401, 403 -> ErrorKind.AUTHENTICATION;
            case 404 -> ErrorKind.UNAVAILABLE;
            case 408, 504 -> ErrorKind.TIMEOUT;
            case 413 -> ErrorKind.CONTEXT_OVERFLOW;
            case 425, 429 -> ErrorKind.RATE_LIMITED;
            case 503, 529 -> ErrorKind.PROVIDER_OVERLOADED;
            default -> status >= 500 ? ErrorKind.PROVIDER_ERROR : ErrorKind.INVALID_REQUEST;
        };
    }

    /**
     * @param kind          the kind the adapter or the transport gave the failure
     * @param status        the HTTP status; null when no response arrived (connect failure, timeout)
     * @param partialOutput part of an answer arrived before the failure; it is discarded and the
     *                      request starts over, never spliced with another attempt's output
     */
    public static Verdict judge(ErrorKind kind, Integer status, boolean partialOutput) {
        return judge(kind, status, partialOutput, false);
    }

    /**
     * @param accountExhausted the provider said the account is out of quota or credit
     *                         ({@code insufficient_quota}): no retry can succeed until someone pays,
     *                         so the model is held and the request moves on, without blaming the breaker
     */
    public static Verdict judge(ErrorKind kind, Integer status, boolean partialOutput, boolean accountExhausted) {
        if (accountExhausted) {
            return new Verdict(Action.FAIL_OVER, false, retryableForCaller(kind), partialOutput);
        }
        boolean retryable = retryableForCaller(kind);
        if (kind == ErrorKind.CONTEXT_OVERFLOW) {
            return new Verdict(Action.NEXT_CANDIDATE, false, retryable, partialOutput);
        }
        if (status == null) {
            return new Verdict(Action.RETRY, true, retryable, partialOutput);
        }
        if (status >= 300) {
            return switch (status) {
                // load shedding, not ill health: honour Retry-After for this request, leave the breaker alone
                case 425, 429 -> new Verdict(Action.RETRY, false, retryable, partialOutput);
                case 408, 500, 502, 503, 504, 529 -> new Verdict(Action.RETRY, true, retryable, partialOutput);
                case 401, 403, 404 -> new Verdict(Action.FAIL_OVER, true, retryable, partialOutput);
                default -> status >= 500 ? new Verdict(Action.FAIL_OVER, true, retryable, partialOutput)
                        : new Verdict(Action.FAIL_REQUEST, false, retryable, partialOutput);
            };
        }
        // a 2xx that failed: unreadable body, cut stream, error event inside a stream, refusal
        return switch (kind) {
            case CONTENT_FILTERED, INVALID_REQUEST -> new Verdict(Action.FAIL_REQUEST, false, retryable, partialOutput);
            case RATE_LIMITED -> new Verdict(Action.RETRY, false, retryable, partialOutput);
            default -> new Verdict(Action.RETRY, true, retryable, partialOutput);
        };
    }

    /**
     * Whether a model has used up its attempts for one request (this round) after a failure it
     * would retry: {@code maxAttempts} failures, or a second unreadable 200 (an unreadable answer is
     * retried once; twice says the model is broken, not unlucky).
     */
    public static boolean attemptsUsedUp(ErrorKind kind, int failures, int unreadableAnswers, int maxAttempts) {
        return kind == ErrorKind.MALFORMED_RESPONSE && unreadableAnswers > 1 || failures >= maxAttempts;
    }

    /** Whether a request that ended with {@code kind} may succeed if its caller sends it again later. */
    public static boolean retryableForCaller(ErrorKind kind) {
        return switch (kind) {
            case DEADLINE_EXCEEDED, UNAVAILABLE, RATE_LIMITED, PROVIDER_OVERLOADED, PROVIDER_ERROR, TRANSPORT, TIMEOUT,
                 MALFORMED_RESPONSE, STREAM_INTERRUPTED -> true;
            default -> false;
        };
    }
}
