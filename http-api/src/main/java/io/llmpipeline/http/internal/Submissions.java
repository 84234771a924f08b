package io.llmpipeline.http.internal;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

import org.eclipse.jetty.http.HttpFields;

import io.llmpipeline.client.LlmClient;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.LlmResult;

/**
 * Puts the API's calls on {@code llm.requests} through one shared {@link LlmClient} (one producer
 * and one results consumer for the whole process), remembers them in the {@link ResultIndex}, and
 * finds them again, in memory or on Kafka.
 */
final class Submissions {
    /**
     * A request found for its tenant.
     *
     * @param format      API format it is rendered in
     * @param submittedMs when it was accepted
     * @param result      null while it waits
     */
    record Found(String format, long submittedMs, LlmResult result) {
    }

    record Submitted(String id, long submittedMs, CompletableFuture<LlmResult> result) {
    }

    private final LlmClient client;
    private final ResultIndex index;
    private final ResultLookup lookup;
    private final ApiMetrics metrics;
    private final Duration forgetAfter;

    Submissions(LlmClient client, ResultIndex index, ResultLookup lookup, ApiMetrics metrics, Duration forgetAfter) {
        this.client = client;
        this.index = index;
        this.lookup = lookup;
        this.metrics = metrics;
        this.forgetAfter = forgetAfter;
    }

    /**
     * Sends the call and returns its future result.
     *
     * @param deadline the request's deadline from now, or null for the pipeline's default
     * @param wait     how long the future waits before failing with a timeout
     */
    Submitted submit(String tenant, ParsedCall call, ApiFormat format, HttpFields headers, Duration deadline, Duration wait) {
        LlmRequest.Builder builder = call.request();
        PipelineHeaders.apply(headers, builder);
        // wall-clock time, as the router and worker judge deadlines and Kafka stamps records by it
        long now = System.currentTimeMillis();
        String id = RequestIds.next(tenant, now);
        builder.setRequestId(id).setTenantId(tenant).setSubmittedAtMs(now);
        if (deadline != null) {
            builder.setDeadlineEpochMs(now + deadline.toMillis());
        }
        index.submitted(id, tenant, format.name(), now);
        CompletableFuture<LlmResult> result = client.submit(builder.build(), wait);
        metrics.waiting().incrementAndGet();
        result.whenComplete((r, failure) -> {
            metrics.waiting().decrementAndGet();
            if (r != null) {
                index.completed(r);
                metrics.result(tenant, r.getCostMicros(), r.getCacheHit());
            }
        });
        return new Submitted(id, now, result);
    }

    /** The tenant's request of this id: remembered, or read back from Kafka; empty if it is not the tenant's or long gone. */
    Optional<Found> find(String id, String tenant) {
        OptionalLong submitted = RequestIds.submittedAt(id, tenant);
        if (submitted.isEmpty()) {
            return Optional.empty();
        }
        Optional<ResultIndex.Entry> remembered = index.get(id);
        if (remembered.isPresent() && remembered.get().tenant().equals(tenant)) {
            ResultIndex.Entry entry = remembered.get();
            return Optional.of(new Found(entry.format(), entry.submittedMs(), entry.result()));
        }
        Optional<LlmResult> read = lookup.find(id, submitted.getAsLong());
        if (read.isPresent()) {
            LlmResult result = read.get();
            if (!result.getTenantId().equals(tenant)) {
                return Optional.empty();
            }
            return Optional.of(new Found(result.getMetadata().getOrDefault(ApiFormat.METADATA_KEY, "openai"),
                    submitted.getAsLong(), result));
        }
        boolean mayStillCome = System.currentTimeMillis() - submitted.getAsLong() < forgetAfter.toMillis();
        return mayStillCome ? Optional.of(new Found("openai", submitted.getAsLong(), null)) : Optional.empty();
    }
}
