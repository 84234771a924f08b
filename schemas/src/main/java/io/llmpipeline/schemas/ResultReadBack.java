package io.llmpipeline.schemas;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Headers;

/**
 * Which results the router reads back from the results topic, and the header that lets it skip the
 * rest without decoding them. It reads back only results that can fill the cache or release its
 * waiters (a cache key and not a hit) and results of idempotency leaders (they carry
 * {@link #IDEMPOTENCY_KEY_METADATA}). Every other result is marked by whoever writes it: the router
 * its own answers, the worker the answers of requests the router did not coalesce, which under a
 * load that does not cache is every result. An unmarked result is always decoded, so a writer that
 * does not mark (an older worker) costs time, never a fill.
 */
public final class ResultReadBack {
    /** Header on a result the router never needs to read back. */
    public static final String IGNORE_HEADER = "llm-router-ignore";
    /** Request (and so result) metadata carrying a leader's idempotency key back to the router. */
    public static final String IDEMPOTENCY_KEY_METADATA = "router.idempotency_key";
    private static final byte[] YES = "1".getBytes(StandardCharsets.UTF_8);

    private ResultReadBack() {
    }

    /** Whether the router's readers of the results topic (cache fill, idempotency fill) want this result. */
    public static boolean wanted(LlmResult result) {
        return result.getCacheKey() != null && !result.getCacheHit() || result.getMetadata().containsKey(IDEMPOTENCY_KEY_METADATA);
    }

    public static boolean ignored(Headers headers) {
        return headers != null && headers.lastHeader(IGNORE_HEADER) != null;
    }

    /** Adds the mark to headers the caller owns, when the router has no use for the result. */
    public static void markUnwanted(LlmResult result, Headers headers) {
        if (!wanted(result)) {
            headers.add(IGNORE_HEADER, YES);
        }
    }
}
