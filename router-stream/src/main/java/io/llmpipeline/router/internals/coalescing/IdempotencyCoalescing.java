package io.llmpipeline.router.internals.coalescing;

import io.llmpipeline.catalog.CacheConfig;
import io.llmpipeline.catalog.RouterConfig;
import io.llmpipeline.schemas.LlmRequest;

/**
 * Idempotency keys: an answer, or a failure about the prompt itself, is kept for the retention
 * window whatever its size, since dropping one would mean a second provider call for the same key;
 * and the first answer kept is the one every later duplicate gets, so a live one is never replaced.
 */
final class IdempotencyCoalescing implements CoalescingPolicy {
    private final RouterConfig router;
    private final int compressAboveBytes;

    IdempotencyCoalescing(RouterConfig router, CacheConfig cache) {
        this.router = router;
        this.compressAboveBytes = cache.compressAboveBytes();
    }

    @Override
    public CoalescingKind kind() {
        return CoalescingKind.IDEMPOTENCY;
    }

    @Override
    public int keepSeconds(LlmRequest leader) {
        return router.idempotencyRetentionSeconds();
    }

    @Override
    public long keepMs(InFlight marker) {
        return router.idempotencyRetentionSeconds() * 1000L;
    }

    @Override
    public long inFlightTimeoutMs() {
        return router.idempotencyInFlightTimeoutSeconds() * 1000L;
    }

    @Override
    public int maxEntryBytes() {
        return Integer.MAX_VALUE;
    }

    @Override
    public int compressAboveBytes() {
        return compressAboveBytes;
    }

    @Override
    public boolean replacesLiveAnswer() {
        return false;
    }

    @Override
    public boolean keepsSharedFailures() {
        return true;
    }
}
