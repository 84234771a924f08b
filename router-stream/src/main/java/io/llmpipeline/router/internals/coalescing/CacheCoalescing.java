package io.llmpipeline.router.internals.coalescing;

import io.llmpipeline.catalog.CacheConfig;
import io.llmpipeline.schemas.LlmRequest;

/**
 * The response cache: an answer is kept for its request's TTL if it is not too large, a newer one
 * replaces an older, and failures are never kept (the next identical request tries again).
 */
final class CacheCoalescing implements CoalescingPolicy {
    private final CacheConfig config;
    private final CacheKeys keys;

    CacheCoalescing(CacheConfig config, CacheKeys keys) {
        this.config = config;
        this.keys = keys;
    }

    @Override
    public CoalescingKind kind() {
        return CoalescingKind.CACHE;
    }

    @Override
    public int keepSeconds(LlmRequest leader) {
        return keys.ttlSeconds(leader);
    }

    /** The TTL of the leader's request; the default TTL when no leader waits for the answer (it came after its leader was given up). */
    @Override
    public long keepMs(InFlight marker) {
        return (marker != null ? marker.ttlSeconds() : config.ttlSeconds()) * 1000L;
    }

    @Override
    public long inFlightTimeoutMs() {
        return config.inFlightTimeoutSeconds() * 1000L;
    }

    @Override
    public int maxEntryBytes() {
        return config.maxEntryBytes();
    }

    @Override
    public int compressAboveBytes() {
        return config.compressAboveBytes();
    }

    @Override
    public boolean replacesLiveAnswer() {
        return true;
    }

    @Override
    public boolean keepsSharedFailures() {
        return false;
    }
}
