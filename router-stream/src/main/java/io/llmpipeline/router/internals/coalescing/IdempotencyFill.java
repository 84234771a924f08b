package io.llmpipeline.router.internals.coalescing;

import java.time.Clock;

import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import io.llmpipeline.catalog.CacheConfig;
import io.llmpipeline.catalog.RouterConfig;
import io.llmpipeline.router.internals.Step;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.ResultStatus;

/**
 * Reads back the results of idempotency leaders (only leaders carry {@link IdempotencyLookup#KEY_METADATA}),
 * keyed by their (tenant, key) group. An answer, or an error about the prompt itself, is kept for the
 * retention window and given to every duplicate waiting for it; any other error lets the oldest
 * waiting duplicate go on as a new attempt (see {@link Coalescing}). Answers are kept whatever their
 * size, since dropping one would mean a second provider call for the same key.
 */
public final class IdempotencyFill extends ContextualProcessor<String, LlmResult, String, Step<LlmRequest>> {
    private final RouterConfig config;
    private final int compressAboveBytes;
    private final Clock clock;
    private Coalescing coalescing;

    public IdempotencyFill(RouterConfig config, CacheConfig cache, Clock clock) {
        this.config = config;
        this.compressAboveBytes = cache.compressAboveBytes();
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, Step<LlmRequest>> context) {
        super.init(context);
        coalescing = new Coalescing(context, CoalescingKind.IDEMPOTENCY);
    }

    @Override
    public void process(Record<String, LlmResult> record) {
        LlmResult result = record.value();
        String group = record.key();
        long now = clock.millis();
        InFlight marker = coalescing.inFlight.get(group);
        boolean fromLeader = marker != null && marker.leaderId().equals(result.getRequestId());
        if (result.getStatus() == ResultStatus.OK) {
            // a leader given up as lost may still answer: its answer is as good as the current leader's
            CacheEntry kept = coalescing.entries.get(group);
            if (kept == null || !kept.liveAt(now)) {
                long retentionMs = config.idempotencyRetentionSeconds() * 1000L;
                coalescing.entries.put(group, CacheEntry.of(result, now, retentionMs, compressAboveBytes));
            }
            if (marker != null) {
                coalescing.answerAll(group, result, now);
            }
            return;
        }
        if (!fromLeader) {
            return;
        }
        if (Coalescing.sharedFailure(result)) {
            coalescing.entries.put(group, CacheEntry.of(result, now, config.idempotencyRetentionSeconds() * 1000L,
                    compressAboveBytes));
        }
        coalescing.leaderFailed(group, marker, result, now);
    }
}
