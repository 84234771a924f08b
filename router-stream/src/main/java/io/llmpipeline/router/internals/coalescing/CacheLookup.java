package io.llmpipeline.router.internals.coalescing;

import java.time.Clock;
import java.time.Duration;

import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import io.llmpipeline.catalog.CacheConfig;
import io.llmpipeline.router.internals.Step;
import io.llmpipeline.router.internals.TerminalResults;
import io.llmpipeline.schemas.LlmRequest;

/**
 * Answers a request from the cache when an identical answer is live; otherwise makes it wait for
 * an identical request already in flight, or lets it lead: it goes on to model assignment and the
 * provider, and its answer will serve the rest. It runs before model assignment, so a hit costs
 * no token counting at all. Records arrive partitioned by cache key, so one task sees every
 * identical request. Punctuators expire cached answers, waiters past their deadline, and abandoned
 * in-flight markers.
 */
public final class CacheLookup extends ContextualProcessor<String, LlmRequest, String, Step<LlmRequest>> {
    /** Abandoned leaders are looked for this often; the in-flight timeout is minutes, so this is precise enough. */
    static final int ABANDONED_SWEEP_SECONDS = 10;
    private final CacheConfig config;
    private final CacheKeys keys;
    private final Clock clock;
    private Coalescing coalescing;

    public CacheLookup(CacheConfig config, CacheKeys keys, Clock clock) {
        this.config = config;
        this.keys = keys;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, Step<LlmRequest>> context) {
        super.init(context);
        coalescing = new Coalescing(context, CoalescingKind.CACHE);
        context.schedule(Duration.ofSeconds(1), PunctuationType.WALL_CLOCK_TIME, t -> coalescing.expireWaiters(clock.millis()));
        context.schedule(Duration.ofSeconds(ABANDONED_SWEEP_SECONDS), PunctuationType.WALL_CLOCK_TIME,
                t -> coalescing.sweepInFlight(clock.millis(), config.inFlightTimeoutSeconds() * 1000L));
        context.schedule(Duration.ofSeconds(60), PunctuationType.WALL_CLOCK_TIME, t -> coalescing.sweepEntries(clock.millis()));
    }

    @Override
    public void process(Record<String, LlmRequest> record) {
        LlmRequest request = record.value();
        String cacheKey = record.key();
        long now = clock.millis();
        CacheEntry entry = coalescing.entries.get(cacheKey);
        if (entry != null) {
            if (entry.liveAt(now)) {
                context().forward(record.withKey(request.getRequestId()).withValue(
                        Step.answer(TerminalResults.hit(request, cacheKey, entry.decode(), now))));
                return;
            }
            coalescing.entries.delete(cacheKey);
        }
        InFlight marker = coalescing.inFlight.get(cacheKey);
        if (marker != null) {
            coalescing.await(cacheKey, marker, request);
            return;
        }
        coalescing.inFlight.put(cacheKey, new InFlight(request.getRequestId(), now, keys.ttlSeconds(request), 0, 0));
        context().forward(record.withValue(Step.next(request)));
    }
}
