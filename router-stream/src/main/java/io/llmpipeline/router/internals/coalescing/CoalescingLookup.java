package io.llmpipeline.router.internals.coalescing;

import java.time.Clock;
import java.time.Duration;

import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import io.llmpipeline.router.internals.Step;
import io.llmpipeline.schemas.LlmRequest;

/**
 * Answers a request from the answer kept for its group (a cache hit, or an idempotent replay) when
 * it is live; otherwise makes it wait for the request of its group in flight, or lets it lead: it
 * goes on towards model assignment and the provider, and its answer will serve the rest. The cache
 * lookup runs before model assignment, so a hit costs no token counting at all. Records arrive
 * partitioned by group (cache key, or {@link IdempotencyKeys#groupOf}), so one task sees every
 * request of a group. Punctuators expire waiters past their deadline, abandoned leaders and kept
 * answers past their time. Who gets what when a leader fails is {@link Coalescing}'s rule;
 * {@link CoalescingFill} keeps the answers.
 */
public final class CoalescingLookup extends ContextualProcessor<String, LlmRequest, String, Step<LlmRequest>> {
    /** Abandoned leaders are looked for this often; the in-flight timeout is minutes, so this is precise enough. */
    static final int ABANDONED_SWEEP_SECONDS = 10;
    private final CoalescingPolicy policy;
    private final Clock clock;
    private Coalescing coalescing;

    public CoalescingLookup(CoalescingPolicy policy, Clock clock) {
        this.policy = policy;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, Step<LlmRequest>> context) {
        super.init(context);
        coalescing = new Coalescing(context, policy.kind());
        context.schedule(Duration.ofSeconds(1), PunctuationType.WALL_CLOCK_TIME, t -> coalescing.expireWaiters(clock.millis()));
        context.schedule(Duration.ofSeconds(ABANDONED_SWEEP_SECONDS), PunctuationType.WALL_CLOCK_TIME,
                t -> coalescing.sweepInFlight(clock.millis(), policy.inFlightTimeoutMs()));
        context.schedule(Duration.ofSeconds(60), PunctuationType.WALL_CLOCK_TIME, t -> coalescing.sweepEntries(clock.millis()));
    }

    @Override
    public void process(Record<String, LlmRequest> record) {
        LlmRequest request = record.value();
        String group = record.key();
        long now = clock.millis();
        CacheEntry kept = coalescing.entries.get(group);
        if (kept != null) {
            if (kept.liveAt(now)) {
                context().forward(record.withKey(request.getRequestId()).withValue(
                        Step.answer(policy.kind().answer(request, group, kept.decode(), now))));
                return;
            }
            coalescing.entries.delete(group);
        }
        InFlight marker = coalescing.inFlight.get(group);
        if (marker != null) {
            coalescing.await(group, marker, request);
            return;
        }
        coalescing.inFlight.put(group, new InFlight(request.getRequestId(), now, policy.keepSeconds(request), 0, 0));
        CoalescingKind kind = policy.kind();
        context().forward(record.withKey(kind.leaderKey(group, request)).withValue(Step.next(kind.leading(request))));
    }
}
