package io.llmpipeline.router.internals.coalescing;

import io.llmpipeline.schemas.LlmRequest;

/**
 * The cache key as a request carries it from the cache stage to model assignment: in its record
 * key, so it is computed once per request, where the cache stage keys requests for its repartition.
 * <ul>
 *   <li>A cacheable request (a leader, first or promoted) carries its cache key, a hex digest: the
 *       key the cache's topics and stores use.</li>
 *   <li>A request the cache is off for carries {@link #CACHE_OFF} and its request id. A hex digest
 *       never starts with that mark, so no request id can be taken for a cache key.</li>
 *   <li>A readmitted request skips the cache stage and carries its bare request id, which no record
 *       leaving the cache stage does; its cache key is computed where it is needed. (A cache key
 *       that happened to equal its request's id would be computed again, to the same value.)</li>
 * </ul>
 */
public final class CarriedCacheKey {
    static final String CACHE_OFF = "-";

    private CarriedCacheKey() {
    }

    /** The record key that carries this cache key (null: the cache is off for the request). */
    public static String recordKey(String cacheKey, LlmRequest request) {
        return cacheKey == null ? CACHE_OFF + request.getRequestId() : cacheKey;
    }

    /** Whether the record key says the cache is off for its request. */
    public static boolean cacheOff(String recordKey) {
        return recordKey.startsWith(CACHE_OFF);
    }

    /** The cache key of a request under this record key, or null when the cache is off for it. */
    public static String cacheKeyOf(String recordKey, LlmRequest request, CacheKeys keys) {
        if (recordKey.equals(request.getRequestId())) {
            return keys.keyOf(request);
        }
        return cacheOff(recordKey) ? null : recordKey;
    }
}
