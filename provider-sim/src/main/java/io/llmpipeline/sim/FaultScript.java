package io.llmpipeline.sim;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;

/**
 * What the simulator does to the calls of one model. Immutable; build with {@link #builder()} or
 * change one field of an existing script with its {@code withX} method. Every field is optional
 * and its default means "no fault".
 *
 * <p>Faults are decided per call in this order: missing API key ({@link #requireApiKey}),
 * {@link #down}, {@link #failFirstN}, {@link #requestsPerMinute} and {@link #tokensPerMinute}, then one random draw for
 * {@link #errorRate} / {@link #hangRate} / {@link #malformedRate}, then {@link #contextLimit}.
 * Latency applies to every answer, faulted or not.
 *
 * @param latencyMs           total time before the answer is complete; for streams spread evenly
 *                            across the chunks
 * @param jitterMs            uniform extra latency in {@code [0, jitterMs]}
 * @param errorRate           probability in {@code [0, 1]} that a call fails with {@code errorStatus}
 * @param errorStatus         HTTP status of scripted failures (default 500); {@code 0} means the
 *                            connection is closed without an answer
 * @param retryAfterSeconds   if set, scripted failures carry this {@code Retry-After} header
 * @param failFirstN          the first N calls after the script is set fail with {@code errorStatus}
 * @param down                every call fails with {@code errorStatus}
 * @param hangRate            probability that a call is accepted and never answered (until the
 *                            client gives up or the server's idle timeout ends it)
 * @param malformedRate       probability of a 200 whose body is truncated, invalid JSON
 * @param streamCutAfterChunks if set, streams end abruptly after this many chunks (no final events)
 * @param requestsPerMinute   if &gt; 0, the simulator enforces this limit in a sliding 60 s window:
 *                            over it, 429 with {@code Retry-After} = seconds until a slot frees
 * @param tokensPerMinute     if &gt; 0, the simulator enforces this many tokens per sliding 60 s
 *                            window (a call weighs its prompt tokens plus its {@code max_tokens});
 *                            over it, 429 with {@code Retry-After}. With either limit set, OpenAI
 *                            and Anthropic answers carry the providers' rate-limit headers
 * @param contextLimit        if &gt; 0, prompts with more tokens fail with the provider's 400
 *                            context-length error (Ollama instead truncates silently)
 * @param outputTokens        if set, every answer has exactly this many tokens (filler words
 *                            appended), before {@code max_tokens} truncation
 * @param cachedPromptTokens  prompt tokens reported as served from the provider's prompt cache
 *                            (capped at the prompt size)
 * @param tokenizer           {@code o200k_base} (default) or {@code cl100k_base}
 * @param requireApiKey       reject calls without an API key with the provider's 401
 * @param seed                seed of the random draws (error/hang/malformed rates, jitter)
 */
@JsonDeserialize(builder = FaultScript.Builder.class)
public record FaultScript(
        long latencyMs,
        long jitterMs,
        double errorRate,
        int errorStatus,
        Integer retryAfterSeconds,
        int failFirstN,
        boolean down,
        double hangRate,
        double malformedRate,
        Integer streamCutAfterChunks,
        int requestsPerMinute,
        int tokensPerMinute,
        int contextLimit,
        Integer outputTokens,
        int cachedPromptTokens,
        String tokenizer,
        boolean requireApiKey,
        long seed) {

    public static final String O200K_BASE = "o200k_base";
    public static final String CL100K_BASE = "cl100k_base";
    public static final int DEFAULT_ERROR_STATUS = 500;

    private static final FaultScript NONE = builder().build();

    public FaultScript {
        requireNonNegative("latencyMs", latencyMs);
        requireNonNegative("jitterMs", jitterMs);
        requireRate("errorRate", errorRate);
        requireRate("hangRate", hangRate);
        requireRate("malformedRate", malformedRate);
        if (errorRate + hangRate + malformedRate > 1.0 + 1e-9) {
            throw new IllegalArgumentException("errorRate + hangRate + malformedRate must be <= 1, got "
                    + (errorRate + hangRate + malformedRate));
        }
        if (errorStatus != 0 && (errorStatus < 100 || errorStatus > 599)) {
            throw new IllegalArgumentException("errorStatus must be 0 (close the connection) or an HTTP status 100..599, got " + errorStatus);
        }
        if (retryAfterSeconds != null) {
            requireNonNegative("retryAfterSeconds", retryAfterSeconds);
        }
        requireNonNegative("failFirstN", failFirstN);
        if (streamCutAfterChunks != null) {
            requireNonNegative("streamCutAfterChunks", streamCutAfterChunks);
        }
        requireNonNegative("requestsPerMinute", requestsPerMinute);
        requireNonNegative("tokensPerMinute", tokensPerMinute);
        requireNonNegative("contextLimit", contextLimit);
        if (outputTokens != null && outputTokens < 1) {
            throw new IllegalArgumentException("outputTokens must be >= 1, got " + outputTokens);
        }
        requireNonNegative("cachedPromptTokens", cachedPromptTokens);
        tokenizer = tokenizer == null ? O200K_BASE : tokenizer.toLowerCase(Locale.ROOT);
        if (!tokenizer.equals(O200K_BASE) && !tokenizer.equals(CL100K_BASE)) {
            throw new IllegalArgumentException("tokenizer must be o200k_base or cl100k_base, got " + tokenizer);
        }
    }

    /** No faults: immediate, correct answers. */
    public static FaultScript none() {
        return NONE;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public FaultScript withLatency(long latencyMs, long jitterMs) {
        return toBuilder().latencyMs(latencyMs).jitterMs(jitterMs).build();
    }

    public FaultScript withErrorRate(double errorRate, int errorStatus) {
        return toBuilder().errorRate(errorRate).errorStatus(errorStatus).build();
    }

    public FaultScript withRetryAfterSeconds(Integer retryAfterSeconds) {
        return toBuilder().retryAfterSeconds(retryAfterSeconds).build();
    }

    public FaultScript withFailFirstN(int failFirstN, int errorStatus) {
        return toBuilder().failFirstN(failFirstN).errorStatus(errorStatus).build();
    }

    public FaultScript withDown(boolean down) {
        return toBuilder().down(down).build();
    }

    public FaultScript withHangRate(double hangRate) {
        return toBuilder().hangRate(hangRate).build();
    }

    public FaultScript withMalformedRate(double malformedRate) {
        return toBuilder().malformedRate(malformedRate).build();
    }

    public FaultScript withStreamCutAfterChunks(Integer chunks) {
        return toBuilder().streamCutAfterChunks(chunks).build();
    }

    public FaultScript withRequestsPerMinute(int requestsPerMinute) {
        return toBuilder().requestsPerMinute(requestsPerMinute).build();
    }

    public FaultScript withContextLimit(int contextLimit) {
        return toBuilder().contextLimit(contextLimit).build();
    }

    public FaultScript withOutputTokens(Integer outputTokens) {
        return toBuilder().outputTokens(outputTokens).build();
    }

    public FaultScript withSeed(long seed) {
        return toBuilder().seed(seed).build();
    }

    private static void requireNonNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, got " + value);
        }
    }

    private static void requireRate(String name, double value) {
        if (!(value >= 0.0 && value <= 1.0)) {
            throw new IllegalArgumentException(name + " must be in [0, 1], got " + value);
        }
    }

    /** Also the JSON/YAML form: unknown fields are rejected so that typos are not silently ignored. */
    @JsonPOJOBuilder(withPrefix = "")
    @JsonIgnoreProperties(ignoreUnknown = false)
    public static final class Builder {
        private long latencyMs;
        private long jitterMs;
        private double errorRate;
        private int errorStatus = DEFAULT_ERROR_STATUS;
        private Integer retryAfterSeconds;
        private int failFirstN;
        private boolean down;
        private double hangRate;
        private double malformedRate;
        private Integer streamCutAfterChunks;
        private int requestsPerMinute;
        private int tokensPerMinute;
        private int contextLimit;
        private Integer outputTokens;
        private int cachedPromptTokens;
        private String tokenizer = O200K_BASE;
        private boolean requireApiKey;
        private long seed;

        Builder() {
        }

        Builder(FaultScript s) {
            latencyMs = s.latencyMs;
            jitterMs = s.jitterMs;
            errorRate = s.errorRate;
            errorStatus = s.errorStatus;
            retryAfterSeconds = s.retryAfterSeconds;
            failFirstN = s.failFirstN;
            down = s.down;
            hangRate = s.hangRate;
            malformedRate = s.malformedRate;
            streamCutAfterChunks = s.streamCutAfterChunks;
            requestsPerMinute = s.requestsPerMinute;
            tokensPerMinute = s.tokensPerMinute;
            contextLimit = s.contextLimit;
            outputTokens = s.outputTokens;
            cachedPromptTokens = s.cachedPromptTokens;
            tokenizer = s.tokenizer;
            requireApiKey = s.requireApiKey;
            seed = s.seed;
        }

        public Builder latencyMs(long v) { latencyMs = v; return this; }
        public Builder jitterMs(long v) { jitterMs = v; return this; }
        public Builder errorRate(double v) { errorRate = v; return this; }
        public Builder errorStatus(int v) { errorStatus = v; return this; }
        public Builder retryAfterSeconds(Integer v) { retryAfterSeconds = v; return this; }
        public Builder failFirstN(int v) { failFirstN = v; return this; }
        public Builder down(boolean v) { down = v; return this; }
        public Builder hangRate(double v) { hangRate = v; return this; }
        public Builder malformedRate(double v) { malformedRate = v; return this; }
        public Builder streamCutAfterChunks(Integer v) { streamCutAfterChunks = v; return this; }
        public Builder requestsPerMinute(int v) { requestsPerMinute = v; return this; }
        public Builder tokensPerMinute(int v) { tokensPerMinute = v; return this; }
        public Builder contextLimit(int v) { contextLimit = v; return this; }
        public Builder outputTokens(Integer v) { outputTokens = v; return this; }
        public Builder cachedPromptTokens(int v) { cachedPromptTokens = v; return this; }
        public Builder tokenizer(String v) { tokenizer = v; return this; }
        public Builder requireApiKey(boolean v) { requireApiKey = v; return this; }
        public Builder seed(long v) { seed = v; return this; }

        public FaultScript build() {
            return new FaultScript(latencyMs, jitterMs, errorRate, errorStatus, retryAfterSeconds, failFirstN, down,
                    hangRate, malformedRate, streamCutAfterChunks, requestsPerMinute, tokensPerMinute, contextLimit, outputTokens,
                    cachedPromptTokens, tokenizer, requireApiKey, seed);
        }
    }
}
