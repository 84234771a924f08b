package io.llmpipeline.router.internals.assignment;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;

import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.CostCalculator;
import io.llmpipeline.catalog.ModelConfig;
import io.llmpipeline.catalog.RouteConfig;
import io.llmpipeline.catalog.ShadowConfig;
import io.llmpipeline.catalog.TokenCounter;
import io.llmpipeline.router.internals.coalescing.IdempotencyKeys;
import io.llmpipeline.schemas.LlmAssignment;
import io.llmpipeline.schemas.LlmRequest;

/**
 * Sends a sample of a route's requests also to its shadow model: a second assignment with its own
 * request id ({@code <id>#shadow}), {@code shadow=true} and {@code shadow_of}, no cache key and no
 * fallback. It is budgeted like any call and the worker logs it, but never answers the caller. Only
 * requests that really go to a provider are sampled (not cache hits or waiters), and a shadow never
 * passes here again, so it never spawns another. The sample is a hash of the request id, so a
 * replay makes the same choice.
 */
public final class ShadowSampling extends ContextualProcessor<String, LlmAssignment, String, LlmAssignment> {
    public static final String SUFFIX = "#shadow";
    private final Catalog catalog;
    private final Clock clock;

    public ShadowSampling(Catalog catalog, Clock clock) {
        this.catalog = catalog;
        this.clock = clock;
    }

    @Override
    public void process(Record<String, LlmAssignment> record) {
        LlmAssignment assignment = record.value();
        context().forward(record);
        if (assignment.getShadow()) {
            return;
        }
        RouteConfig route = catalog.routeFor(assignment.getRequest().getTaskType()).orElse(null);
        ShadowConfig shadow = route == null ? null : route.shadow();
        if (shadow == null || !shadow.enabled() || !sampled(assignment.getRequest().getRequestId(), shadow.sampleRate())) {
            return;
        }
        ModelConfig model = catalog.requireModel(shadow.model());
        LlmRequest original = assignment.getRequest();
        int tokens = TokenCounter.count(model.tokenizer(), original.getMessages());
        Integer maxTokens = original.getParams() == null ? null : original.getParams().getMaxTokens();
        int output = maxTokens != null ? maxTokens : Math.min(model.maxOutputTokens(), model.contextWindow() - tokens);
        if (output < 1 || tokens + output > model.contextWindow()) {
            return; // the shadow model cannot take this prompt; the caller is unaffected
        }
        String id = original.getRequestId() + SUFFIX;
        LlmAssignment copy = LlmAssignment.newBuilder(assignment)
                .setRequest(LlmRequest.newBuilder(original).setRequestId(id).setModel(shadow.model())
                        .setMetadata(withoutIdempotencyKey(original.getMetadata())).build())
                .setTarget(catalog.ref(shadow.model()))
                .setFallbackChain(List.of())
                .setEstimatedInputTokens(tokens)
                .setExactTokenCount(TokenCounter.isExact(model.tokenizer()))
                .setEstimatedCostMicros(CostCalculator.worstCaseMicros(model.price(), tokens, output))
                .setCacheKey(null)
                .setCacheTtlSeconds(null)
                .setShadow(true)
                .setShadowOf(original.getRequestId())
                .setAssignedAtMs(clock.millis())
                .build();
        context().forward(record.withKey(id).withValue(copy));
    }

    /** A shadow's answer must never be taken for its original's under an idempotency key. */
    private static java.util.Map<String, String> withoutIdempotencyKey(java.util.Map<String, String> metadata) {
        if (!metadata.containsKey(IdempotencyKeys.KEY_METADATA)) {
            return metadata;
        }
        java.util.Map<String, String> out = new java.util.HashMap<>(metadata);
        out.remove(IdempotencyKeys.KEY_METADATA);
        return out;
    }

    static boolean sampled(String requestId, double rate) {
        if (rate <= 0) {
            return false;
        }
        int bucket = Utils.toPositive(Utils.murmur2(requestId.getBytes(StandardCharsets.UTF_8))) % 10_000;
        return bucket < Math.round(rate * 10_000);
    }
}
