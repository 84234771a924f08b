package io.llmpipeline.http.internal;

import java.util.Locale;

import org.eclipse.jetty.http.HttpFields;

import io.llmpipeline.schemas.CachePolicy;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.Priority;

/** What OpenAI and Anthropic have no body field for travels in headers, both ways. */
public final class PipelineHeaders {
    public static final String PRIORITY = "X-LLM-Priority";
    public static final String TASK_TYPE = "X-LLM-Task-Type";
    public static final String CACHE_POLICY = "X-LLM-Cache-Policy";
    public static final String CACHE_TTL = "X-LLM-Cache-TTL-Seconds";
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    public static final String REQUEST_ID = "X-Request-Id";
    public static final String COST_MICROS = "X-LLM-Cost-Micros";
    public static final String CACHE_HIT = "X-LLM-Cache-Hit";
    public static final String MODEL = "X-LLM-Model";
    public static final String PROVIDER = "X-LLM-Provider";
    public static final String ATTEMPTS = "X-LLM-Attempts";
    public static final String ERROR_KIND = "X-LLM-Error-Kind";

    private PipelineHeaders() {
    }

    /** Applies the request headers to the request; a bad value is a 400 naming the header. */
    static void apply(HttpFields headers, LlmRequest.Builder request) {
        String priority = headers.get(PRIORITY);
        if (priority != null) {
            request.setPriority(parse(Priority.class, PRIORITY, priority));
        }
        String taskType = headers.get(TASK_TYPE);
        if (taskType != null) {
            if (taskType.isBlank()) {
                throw ApiError.invalid(TASK_TYPE, TASK_TYPE + " is blank");
            }
            request.setTaskType(taskType.strip());
        }
        String policy = headers.get(CACHE_POLICY);
        if (policy != null) {
            request.setCachePolicy(parse(CachePolicy.class, CACHE_POLICY, policy));
        }
        String ttl = headers.get(CACHE_TTL);
        if (ttl != null) {
            try {
                request.setCacheTtlSeconds(Integer.parseInt(ttl.strip()));
            } catch (NumberFormatException e) {
                throw ApiError.invalid(CACHE_TTL, CACHE_TTL + " must be a whole number of seconds, got '" + ttl + "'");
            }
        }
        String idempotencyKey = headers.get(IDEMPOTENCY_KEY);
        if (idempotencyKey != null) {
            request.setIdempotencyKey(idempotencyKey);
        }
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String header, String value) {
        try {
            return Enum.valueOf(type, value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid(header, header + " '" + value + "' is not one of "
                    + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
        }
    }

    /** The response headers that say what the pipeline did: cost, cache, model, attempts. */
    static void describe(LlmResult result, HttpFields.Mutable headers) {
        headers.put(COST_MICROS, Long.toString(result.getCostMicros()));
        headers.put(CACHE_HIT, Boolean.toString(result.getCacheHit()));
        headers.put(ATTEMPTS, Integer.toString(result.getAttempts()));
        if (result.getModel() != null) {
            headers.put(MODEL, result.getModel());
        }
        if (result.getProvider() != null) {
            headers.put(PROVIDER, result.getProvider());
        }
    }
}
