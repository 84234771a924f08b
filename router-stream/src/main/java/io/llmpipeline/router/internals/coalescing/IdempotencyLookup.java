package io.llmpipeline.router.internals.coalescing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;

import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import io.llmpipeline.catalog.RouterConfig;
import io.llmpipeline.router.internals.Step;
import io.llmpipeline.router.internals.TerminalResults;
import io.llmpipeline.schemas.LlmRequest;

/**
 * Answers each (tenant, idempotency key) once. The first request leads and goes on (to the cache,
 * assignment, budget and the provider); a duplicate that arrives while it is in flight waits for its
 * answer, within the duplicate's own deadline; a duplicate that arrives later, within the retention
 * window, gets the stored answer under its own request id. Unlike the cache this ignores
 * temperature and cache policy, and never crosses tenants. Records arrive partitioned by
 * {@link #groupOf}, so one task sees every request of a key. Who gets what when the leader fails is
 * {@link Coalescing}'s rule; {@link IdempotencyFill} stores the answers.
 */
public final class IdempotencyLookup extends ContextualProcessor<String, LlmRequest, String, Step<LlmRequest>> {
    /** Request (and so result) metadata carrying a leader's idempotency key back to the router. */
    public static final String KEY_METADATA = "router.idempotency_key";
    private final RouterConfig config;
    private final Clock clock;
    private Coalescing coalescing;

    public IdempotencyLookup(RouterConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /** The partition and store key of a tenant's idempotency key: hex, so no tenant or key can run into another. */
    public static String groupOf(String tenant, String idempotencyKey) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(Integer.toString(tenant.length()).getBytes(StandardCharsets.UTF_8));
            digest.update((byte) ':');
            digest.update(tenant.getBytes(StandardCharsets.UTF_8));
            digest.update(idempotencyKey.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    @Override
    public void init(ProcessorContext<String, Step<LlmRequest>> context) {
        super.init(context);
        coalescing = new Coalescing(context, CoalescingKind.IDEMPOTENCY);
        context.schedule(Duration.ofSeconds(1), PunctuationType.WALL_CLOCK_TIME, t -> coalescing.expireWaiters(clock.millis()));
        context.schedule(Duration.ofSeconds(CacheLookup.ABANDONED_SWEEP_SECONDS), PunctuationType.WALL_CLOCK_TIME,
                t -> coalescing.sweepInFlight(clock.millis(), config.idempotencyInFlightTimeoutSeconds() * 1000L));
        context.schedule(Duration.ofSeconds(60), PunctuationType.WALL_CLOCK_TIME, t -> coalescing.sweepEntries(clock.millis()));
    }

    @Override
    public void process(Record<String, LlmRequest> record) {
        LlmRequest request = record.value();
        String group = record.key();
        long now = clock.millis();
        CacheEntry answered = coalescing.entries.get(group);
        if (answered != null) {
            if (answered.liveAt(now)) {
                context().forward(record.withKey(request.getRequestId()).withValue(
                        Step.answer(TerminalResults.replay(request, answered.decode(), now))));
                return;
            }
            coalescing.entries.delete(group);
        }
        InFlight marker = coalescing.inFlight.get(group);
        if (marker != null) {
            coalescing.await(group, marker, request);
            return;
        }
        coalescing.inFlight.put(group, new InFlight(request.getRequestId(), now, config.idempotencyRetentionSeconds(), 0, 0));
        context().forward(record.withKey(request.getRequestId()).withValue(Step.next(CoalescingKind.IDEMPOTENCY.leading(request))));
    }
}
