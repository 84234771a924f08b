package io.llmpipeline.router.internals.coalescing;

import java.time.Clock;

import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import io.llmpipeline.router.internals.Step;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.ResultStatus;

/**
 * Reads terminal results back, keyed by group: an answer from a provider is kept (as the
 * {@link CoalescingPolicy} says) and answers everyone waiting for it; a failure of the group's leader
 * releases its waiters (see {@link Coalescing}). The router's own cache hits and replays are filtered
 * out before this point, and its own errors only matter when they are the leader's (a leader refused
 * by model assignment or the budget carries its cache key, and its idempotency key in its metadata,
 * for this reason).
 */
public final class CoalescingFill extends ContextualProcessor<String, LlmResult, String, Step<LlmRequest>> {
    private final CoalescingPolicy policy;
    private final Clock clock;
    private Coalescing coalescing;

    public CoalescingFill(CoalescingPolicy policy, Clock clock) {
        this.policy = policy;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, Step<LlmRequest>> context) {
        super.init(context);
        coalescing = new Coalescing(context, policy.kind());
    }

    @Override
    public void process(Record<String, LlmResult> record) {
        LlmResult result = record.value();
        String group = record.key();
        long now = clock.millis();
        InFlight marker = coalescing.inFlight.get(group);
        if (result.getStatus() == ResultStatus.OK) {
            // a leader given up as lost may still answer: its answer is as good as the current leader's
            keep(group, result, marker, now);
            if (marker != null) {
                coalescing.answerAll(group, result, now);
            }
            return;
        }
        if (marker == null || !marker.leaderId().equals(result.getRequestId())) {
            return;
        }
        if (policy.keepsSharedFailures() && Coalescing.sharedFailure(result)) {
            coalescing.entries.put(group, entryOf(result, marker, now));
        }
        coalescing.leaderFailed(group, marker, result, now);
    }

    private void keep(String group, LlmResult answer, InFlight marker, long now) {
        if (!policy.replacesLiveAnswer()) {
            CacheEntry kept = coalescing.entries.get(group);
            if (kept != null && kept.liveAt(now)) {
                return;
            }
        }
        CacheEntry entry = entryOf(answer, marker, now);
        if (entry.result().length <= policy.maxEntryBytes()) {
            coalescing.entries.put(group, entry);
        }
    }

    private CacheEntry entryOf(LlmResult result, InFlight marker, long now) {
        return CacheEntry.of(result, now, policy.keepMs(marker), policy.compressAboveBytes());
    }
}
