package io.llmpipeline.worker.guard;

import java.util.Set;

import io.llmpipeline.schemas.ErrorKind;

/**
 * Decides what a failed attempt means for its request and for the model's health. Only
 * transient faults are retried; only faults of the provider count against its circuit breaker
 * (a bad request or a prompt too long for the model says nothing about the provider's health).
 */
public final class TransientErrorClassifier {
    /** Statuses worth another try at the same model. */
    public static final Set<Integer> TRANSIENT_STATUSES = Set.of(408, 425, 429, 500, 502, 503, 504, 529);

    /** What to do after a failed attempt. */
    public enum Disposition {
        /** Try the same model again after a backoff (within its attempts). */
        RETRY,
        /** The model cannot serve anyone now: cool it down and move to the next candidate. */
        FAILOVER,
        /** The model cannot serve this request (context overflow): move to the next candidate. */
        NEXT_CANDIDATE,
        /** No model can serve this request as written: fail it. */
        FAIL_REQUEST
    }

    /**
     * @param disposition   what the request does next
     * @param providerFault whether it counts as a failure in the model's breaker
     */
    public record Verdict(Disposition disposition, boolean providerFault) {
    }

    private TransientErrorClassifier() {
    }

    /**
     * @param kind   the kind the adapter read from the response
     * @param status the HTTP status; null when no response arrived (connect failure, timeout)
     */
    public static Verdict classify(ErrorKind kind, Integer status) {
        if (kind == ErrorKind.CONTEXT_OVERFLOW) {
            return new Verdict(Disposition.NEXT_CANDIDATE, false);
        }
        if (status == null) {
            return new Verdict(Disposition.RETRY, true);
        }
        if (status >= 300) {
            if (status == 429 || status == 425) {
                // load shedding, not ill health: honour Retry-After, leave the breaker alone
                return new Verdict(Disposition.RETRY, false);
            }
            if (TRANSIENT_STATUSES.contains(status)) {
                return new Verdict(Disposition.RETRY, true);
            }
            if (status == 401 || status == 403 || status == 404 || status >= 500) {
                return new Verdict(Disposition.FAILOVER, true);
            }
            return new Verdict(Disposition.FAIL_REQUEST, false);
        }
        // a 2xx that failed: unreadable body, cut stream, error event inside a stream, refusal
        return switch (kind) {
            case CONTENT_FILTERED, INVALID_REQUEST -> new Verdict(Disposition.FAIL_REQUEST, false);
            case RATE_LIMITED -> new Verdict(Disposition.RETRY, false);
            default -> new Verdict(Disposition.RETRY, true);
        };
    }
}
