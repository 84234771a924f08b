package io.llmpipeline.router.internals.intake;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ContextualFixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

import io.llmpipeline.router.internals.coalescing.IdempotencyKeys;
import io.llmpipeline.schemas.LlmResult;

/**
 * Marks the results the router writes that it has no use for when it reads the results topic back
 * (cache hits, replays, waiters' errors: most of what it writes under a cache-heavy load), with a
 * header its result decoder checks before decoding. Only two kinds are read back: results that can
 * fill the cache or release its waiters (a cache key and not a hit) and results of idempotency
 * leaders (they carry {@link IdempotencyKeys#KEY_METADATA}).
 */
public final class OwnResults extends ContextualFixedKeyProcessor<String, LlmResult, LlmResult> {
    /** Header on a router-written result the router itself never needs to read back. */
    public static final String IGNORE_HEADER = "llm-router-ignore";
    private static final byte[] YES = "1".getBytes(StandardCharsets.UTF_8);

    /** Whether the router's readers of the results topic (cache fill, idempotency fill) want this result. */
    public static boolean readBack(LlmResult result) {
        return result.getCacheKey() != null && !result.getCacheHit() || result.getMetadata().containsKey(IdempotencyKeys.KEY_METADATA);
    }

    public static boolean ignored(Headers headers) {
        return headers != null && headers.lastHeader(IGNORE_HEADER) != null;
    }

    @Override
    public void process(FixedKeyRecord<String, LlmResult> record) {
        if (readBack(record.value())) {
            context().forward(record);
            return;
        }
        // a fresh header set: the incoming one is shared with the record's other branches
        Headers headers = new RecordHeaders(record.headers().toArray());
        headers.add(IGNORE_HEADER, YES);
        context().forward(record.withHeaders(headers));
    }
}
