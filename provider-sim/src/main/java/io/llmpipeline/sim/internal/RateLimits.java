package io.llmpipeline.sim.internal;

/**
 * The simulator's own per-model limits, requests and tokens per minute in sliding 60 s windows, as
 * a provider enforces them: a call is admitted only if it fits under both, and then counts
 * against both. A call's tokens are its prompt tokens plus its {@code max_tokens}, as OpenAI
 * counts them before the answer is known.
 */
public final class RateLimits {
    private final SlidingWindow requests = new SlidingWindow();
    private final SlidingWindow tokens = new SlidingWindow();

    /** Where one limit stands after a call was admitted or refused. */
    public record Status(long limit, long remaining, long resetMs) {
    }

    /**
     * @param retryAfterMs 0 if admitted, else how long until the call would fit
     * @param refusedBy    "requests" or "tokens" when refused, else null
     * @param requests     null when no requests limit is set
     * @param tokens       null when no tokens limit is set
     */
    public record Admission(long retryAfterMs, String refusedBy, Status requests, Status tokens) {
        public boolean admitted() {
            return retryAfterMs == 0;
        }
    }

    /** @param rpm requests per minute, 0 = none; @param tpm tokens per minute, 0 = none */
    public synchronized Admission admit(long nowMs, int callTokens, int rpm, int tpm) {
        long requestWait = rpm > 0 ? requests.waitFor(nowMs, 1, rpm) : 0;
        long tokenWait = tpm > 0 ? tokens.waitFor(nowMs, callTokens, tpm) : 0;
        String refusedBy = requestWait > 0 ? "requests" : tokenWait > 0 ? "tokens" : null;
        if (refusedBy == null) {
            if (rpm > 0) {
                requests.record(nowMs, 1);
            }
            if (tpm > 0) {
                tokens.record(nowMs, callTokens);
            }
        }
        return new Admission(Math.max(requestWait, tokenWait), refusedBy,
                rpm > 0 ? status(requests, nowMs, rpm) : null, tpm > 0 ? status(tokens, nowMs, tpm) : null);
    }

    private static Status status(SlidingWindow window, long nowMs, long limit) {
        return new Status(limit, Math.max(0, limit - window.sum(nowMs)), window.untilEmptyMs(nowMs));
    }
}
