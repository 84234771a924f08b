package io.llmpipeline.router.internals.coalescing;

import java.util.HashMap;
import java.util.Map;

import io.llmpipeline.router.internals.TerminalResults;
import io.llmpipeline.schemas.ErrorKind;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.LlmResult;

/**
 * The two ways the router answers many requests with one provider call, sharing {@link Coalescing}:
 * the response cache (identical requests, by cache key, any tenant) and idempotency (requests of one
 * tenant with the same idempotency key, whatever they ask). Each has its own three stores; what each
 * keeps, and for how long, is its {@link CoalescingPolicy}'s.
 */
public enum CoalescingKind {
    CACHE("cache-entries", "cache-inflight", "cache-waiters", "an identical request") {
        @Override
        LlmResult answer(LlmRequest waiter, String key, LlmResult answer, long now) {
            return TerminalResults.hit(waiter, key, answer, now);
        }

        @Override
        LlmRequest leading(LlmRequest request) {
            return request;
        }

        /** Model assignment reads the cache key from it ({@link CarriedCacheKey}). */
        @Override
        String leaderKey(String cacheKey, LlmRequest leader) {
            return cacheKey;
        }
    },
    IDEMPOTENCY("idempotency-results", "idempotency-inflight", "idempotency-waiters", "a request with the same idempotency key") {
        @Override
        LlmResult answer(LlmRequest waiter, String key, LlmResult answer, long now) {
            return TerminalResults.replay(waiter, answer, now);
        }

        /** Leaders carry their key in the metadata, which the worker copies to the result, so the answer finds its way back. */
        @Override
        LlmRequest leading(LlmRequest request) {
            Map<String, String> metadata = new HashMap<>(request.getMetadata());
            metadata.put(IdempotencyKeys.KEY_METADATA, request.getIdempotencyKey());
            return LlmRequest.newBuilder(request).setMetadata(metadata).build();
        }

        /** Keyed by request id again, like any request: the cache stage after this one keys it its own way. */
        @Override
        String leaderKey(String group, LlmRequest leader) {
            return leader.getRequestId();
        }
    };

    private final String entries;
    private final String inFlight;
    private final String waiters;
    /** How a waiter's error names the request it waited for. */
    final String other;

    CoalescingKind(String entries, String inFlight, String waiters, String other) {
        this.entries = entries;
        this.inFlight = inFlight;
        this.waiters = waiters;
        this.other = other;
    }

    /** Answers kept (cache entries, or idempotent results), by key. */
    public String entries() {
        return entries;
    }

    /** The leader in flight per key. */
    public String inFlight() {
        return inFlight;
    }

    /** Requests waiting for a leader, by key and arrival. */
    public String waiters() {
        return waiters;
    }

    public String[] stores() {
        return new String[] {entries, inFlight, waiters};
    }

    /** What a waiter gets when the leader answered (or failed in a way that fails every waiter too). */
    abstract LlmResult answer(LlmRequest waiter, String key, LlmResult answer, long now);

    /** The request as it goes on to the provider when it leads. */
    abstract LlmRequest leading(LlmRequest request);

    /** The record key a leader goes on with, whether it led from the start or was promoted from waiting. */
    abstract String leaderKey(String group, LlmRequest leader);

    /** The error a waiter gets when the leader failed for a reason about the prompt itself. */
    LlmResult sharedFailure(LlmRequest waiter, LlmResult failure, long now) {
        ErrorKind kind = failure.getError().getKind();
        return TerminalResults.error(waiter, null, kind, other + " (" + failure.getRequestId() + ") failed: "
                + failure.getError().getMessage(), now);
    }
}
