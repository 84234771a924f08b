package io.llmpipeline.worker.provider;

import io.llmpipeline.schemas.ErrorKind;
import io.llmpipeline.schemas.Usage;

/** A streamed answer as assembled from its events, whether or not the stream finished. */
final class StreamAssembly {
    private final StringBuilder text = new StringBuilder();
    private int chunks;
    private String finishReason;
    private boolean finished;
    private int inputTokens = -1;
    private int outputTokens = -1;
    private int cachedTokens;
    private int cacheCreationTokens;
    private ErrorKind errorKind;
    private String errorMessage;

    void append(String delta) {
        if (delta != null && !delta.isEmpty()) {
            text.append(delta);
            chunks++;
        }
    }

    void finishReason(String reason) {
        if (reason != null) {
            finishReason = reason;
        }
    }

    void markFinished() {
        finished = true;
    }

    void input(int tokens) {
        if (tokens >= 0) {
            inputTokens = tokens;
        }
    }

    void output(int tokens) {
        if (tokens >= 0) {
            outputTokens = tokens;
        }
    }

    void cached(int read, int created) {
        cachedTokens = Math.max(cachedTokens, read);
        cacheCreationTokens = Math.max(cacheCreationTokens, created);
    }

    void error(ErrorKind kind, String message) {
        errorKind = kind;
        errorMessage = message;
    }

    String text() {
        return text.toString();
    }

    int chunks() {
        return chunks;
    }

    boolean hasContent() {
        return chunks > 0;
    }

    String finishReason() {
        return finishReason == null ? "stop" : finishReason;
    }

    boolean finished() {
        return finished;
    }

    ErrorKind errorKind() {
        return errorKind;
    }

    String errorMessage() {
        return errorMessage;
    }

    /** Usage reported in the stream; null when none was. */
    Usage usage() {
        if (inputTokens < 0 && outputTokens < 0) {
            return null;
        }
        return ProviderAdapter.usage(inputTokens, outputTokens, cachedTokens, cacheCreationTokens);
    }

    /**
     * Reported usage, each missing count estimated: the router's input estimate, one token per
     * chunk received. A cut stream is billed by the provider even though it never reported usage.
     */
    Usage usageOrEstimate(ProviderCall call) {
        int in = inputTokens >= 0 ? inputTokens : call.estimatedInputTokens();
        int out = outputTokens >= 0 ? outputTokens : chunks;
        return ProviderAdapter.usage(in, out, cachedTokens, cacheCreationTokens);
    }

    /** The data payloads of an SSE text; a cut last line is kept and will simply fail to parse. */
    static Iterable<String> sseData(String text) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (String line : text.split("\r?\n")) {
            if (line.startsWith("data:")) {
                out.add(line.substring(5).trim());
            }
        }
        return out;
    }
}
