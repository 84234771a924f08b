package io.llmpipeline.router.internals.coalescing;

import java.time.Clock;

import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import io.llmpipeline.catalog.CacheConfig;
import io.llmpipeline.router.internals.Step;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.ResultStatus;

/**
 * Reads terminal results back, keyed by cache key: an answer from a provider fills the cache and
 * answers everyone waiting for it; a failure of the in-flight leader releases its waiters (see
 * {@link Coalescing}). The router's own cache-hit results are filtered out before this point, and
 * its own errors only matter when they are the leader's (a leader refused by model assignment or
 * the budget carries its cache key for this reason).
 */
public final class CacheFill extends ContextualProcessor<String, LlmResult, String, Step<LlmRequest>> {
    private final CacheConfig config;
    private final Clock clock;
    private Coalescing coalescing;

    public CacheFill(CacheConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, Step<LlmRequest>> context) {
        super.init(context);
        coalescing = new Coalescing(context, CoalescingKind.CACHE);
    }

    @Override
    public void process(Record<String, LlmResult> record) {
        LlmResult result = record.value();
        String cacheKey = record.key();
        long now = clock.millis();
        InFlight marker = coalescing.inFlight.get(cacheKey);
        if (result.getStatus() == ResultStatus.OK) {
            int ttl = marker != null ? marker.ttlSeconds() : config.ttlSeconds();
            CacheEntry entry = CacheEntry.of(result, now, ttl * 1000L, config.compressAboveBytes());
            if (entry.result().length <= config.maxEntryBytes()) {
                coalescing.entries.put(cacheKey, entry);
            }
            if (marker != null) {
                coalescing.answerAll(cacheKey, result, now);
            }
            return;
        }
        if (marker != null && marker.leaderId().equals(result.getRequestId())) {
            coalescing.leaderFailed(cacheKey, marker, result, now);
        }
    }
}
