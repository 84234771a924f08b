package io.llmpipeline.worker.run;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.llmpipeline.worker.provider.HttpCall;
import io.llmpipeline.worker.provider.RawResponse;
import io.llmpipeline.worker.provider.Transport;

/**
 * A transport without a socket: it keeps every call it is given, and the test answers each one
 * (with a response, a cut response or a transport failure) when the story says so.
 */
final class ScriptedTransport implements Transport {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One call the run sent; {@code atMs} is the test clock's time when it was sent. */
    record Sent(HttpCall call, Duration timeout, long atMs, CompletableFuture<RawResponse> reply) {
        String model() {
            try {
                return JSON.readTree(call.body()).path("model").asText();
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }

        void answer(RawResponse response) {
            reply.complete(response);
        }

        void fail(Throwable error) {
            reply.completeExceptionally(error);
        }
    }

    private final java.time.Clock clock;
    private final List<Sent> sent = new ArrayList<>();
    private int answered;

    ScriptedTransport(java.time.Clock clock) {
        this.clock = clock;
    }

    @Override
    public CompletableFuture<RawResponse> send(HttpCall call, Duration timeout) {
        Sent s = new Sent(call, timeout, clock.millis(), new CompletableFuture<>());
        sent.add(s);
        return s.reply();
    }

    /** Every call sent so far, in order. */
    List<Sent> sent() {
        return sent;
    }

    /** The oldest call not answered yet. */
    Sent next() {
        while (answered < sent.size()) {
            Sent s = sent.get(answered);
            if (!s.reply().isDone()) {
                return s;
            }
            answered++;
        }
        throw new AssertionError("no call is waiting for an answer; sent: " + sent.size());
    }

    boolean waiting() {
        return sent.stream().anyMatch(s -> !s.reply().isDone());
    }

    @Override
    public void close() {
    }

    static RawResponse openAiAnswer(String text, int promptTokens, int completionTokens) {
        return response(200, """
                {"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"%s"},\
                "finish_reason":"stop"}],"usage":{"prompt_tokens":%d,"completion_tokens":%d}}"""
                .formatted(text, promptTokens, completionTokens), Map.of(), true);
    }

    static RawResponse openAiError(int status, Map<String, String> headers) {
        return response(status, "{\"error\":{\"message\":\"scripted " + status + "\",\"code\":\"x\"}}", headers, true);
    }

    /** Server-sent events of an OpenAI stream: the chunks, then (when {@code finished}) the end. */
    static RawResponse openAiStream(List<String> chunks, boolean finished) {
        StringBuilder body = new StringBuilder();
        for (String chunk : chunks) {
            body.append("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"").append(chunk).append("\"}}]}\n\n");
        }
        if (finished) {
            body.append("data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],")
                    .append("\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":").append(chunks.size()).append("}}\n\n")
                    .append("data: [DONE]\n\n");
        }
        return response(200, body.toString(), Map.of(), finished);
    }

    static RawResponse response(int status, String body, Map<String, String> headers, boolean complete) {
        return new RawResponse(status, headers, body.getBytes(StandardCharsets.UTF_8), complete,
                complete ? null : new java.io.IOException("Connection reset"));
    }
}
