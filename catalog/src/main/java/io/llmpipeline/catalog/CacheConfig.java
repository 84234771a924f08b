package io.llmpipeline.catalog;

import io.llmpipeline.schemas.CachePolicy;

/**
 * Response cache defaults.
 *
 * @param policy             DISABLED, CONSERVATIVE (deterministic requests only) or AGGRESSIVE
 * @param ttlSeconds         how long an answer stays cached
 * @param maxEntryBytes      answers larger than this are not cached
 * @param compressAboveBytes answers larger than this are stored compressed
 * @param inFlightTimeoutSeconds an in-flight marker older than this is abandoned and its waiters released
 */
public record CacheConfig(CachePolicy policy, Integer ttlSeconds, Integer maxEntryBytes, Integer compressAboveBytes,
                          Integer inFlightTimeoutSeconds) {
    public CacheConfig {
        policy = policy == null || policy == CachePolicy.ROUTE_DEFAULT ? CachePolicy.CONSERVATIVE : policy;
        ttlSeconds = ttlSeconds == null ? 3_600 : ttlSeconds;
        maxEntryBytes = maxEntryBytes == null ? 256 * 1024 : maxEntryBytes;
        compressAboveBytes = compressAboveBytes == null ? 4 * 1024 : compressAboveBytes;
        inFlightTimeoutSeconds = inFlightTimeoutSeconds == null ? 600 : inFlightTimeoutSeconds;
    }

    public static CacheConfig defaults() {
        return new CacheConfig(null, null, null, null, null);
    }
}
