package io.llmpipeline.router.internals.coalescing;

import io.llmpipeline.catalog.CacheConfig;
import io.llmpipeline.catalog.RouterConfig;
import io.llmpipeline.schemas.LlmRequest;

/**
 * What the cache and idempotency do differently once their requests are grouped: how long a leader
 * may take, and which answers are kept, for how long. {@link CoalescingLookup} and
 * {@link CoalescingFill} do everything else alike; how a waiter is answered and how a leader goes on
 * is the {@link CoalescingKind}'s.
 */
public sealed interface CoalescingPolicy permits CacheCoalescing, IdempotencyCoalescing {
    static CoalescingPolicy cache(CacheConfig config, CacheKeys keys) {
        return new CacheCoalescing(config, keys);
    }

    static CoalescingPolicy idempotency(RouterConfig router, CacheConfig cache) {
        return new IdempotencyCoalescing(router, cache);
    }

    CoalescingKind kind();

    /** How long the answer of a request that leads now is to be kept; noted on its in-flight marker. */
    int keepSeconds(LlmRequest leader);

    /** How long an answer is kept, given the in-flight marker of its group (null when no leader is in flight). */
    long keepMs(InFlight marker);

    /** A leader in flight this long is taken for lost, and its waiters are released. */
    long inFlightTimeoutMs();

    /** An answer larger than this, as stored, is not kept (its waiters still get it). */
    int maxEntryBytes();

    /** An answer larger than this is stored compressed. */
    int compressAboveBytes();

    /** Whether a new answer replaces one kept and still live. */
    boolean replacesLiveAnswer();

    /** Whether a leader's failure about the prompt itself is kept too, for requests of the group that come later. */
    boolean keepsSharedFailures();
}
