package io.llmpipeline.worker.provider;

import java.net.URI;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.llmpipeline.schemas.ChatMessage;
import io.llmpipeline.schemas.ErrorKind;
import io.llmpipeline.schemas.GenerationParams;
import io.llmpipeline.schemas.Usage;
import io.llmpipeline.worker.provider.AttemptOutcome.Answered;

/**
 * OpenAI-compatible chat completions: {@code POST {baseUrl}/chat/completions}, key as a bearer
 * token. Streams ask for {@code stream_options.include_usage} so the final chunk carries usage.
 */
public final class OpenAiAdapter extends ProviderAdapter {
    private static final Set<String> OWNED = Set.of("model", "messages", "stream", "stream_options");

    OpenAiAdapter(Clock clock) {
        super(clock);
    }

    @Override
    public HttpCall request(ProviderCall call) {
        ObjectNode body = WireJson.object();
        body.put("model", call.providerModel());
        ArrayNode messages = body.putArray("messages");
        for (ChatMessage m : call.messages()) {
            ObjectNode msg = messages.addObject().put("role", role(m.getRole())).put("content", m.getContent());
            if (m.getName() != null) {
                msg.put("name", m.getName());
            }
            if (m.getToolCallId() != null) {
                msg.put("tool_call_id", m.getToolCallId());
            }
        }
        GenerationParams p = call.params();
        body.put("max_tokens", call.maxTokens());
        if (p.getTemperature() != null) {
            body.put("temperature", p.getTemperature());
        }
        if (p.getTopP() != null) {
            body.put("top_p", p.getTopP());
        }
        if (p.getSeed() != null) {
            body.put("seed", p.getSeed());
        }
        if (!p.getStop().isEmpty()) {
            ArrayNode stop = body.putArray("stop");
            p.getStop().forEach(stop::add);
        }
        if (call.stream()) {
            body.put("stream", true);
            body.putObject("stream_options").put("include_usage", true);
        }
        WireJson.mergePassthrough(body, call.passthroughJson(), OWNED);
        Map<String, String> headers = new HashMap<>(jsonHeaders());
        if (call.apiKey() != null) {
            headers.put("authorization", "Bearer " + call.apiKey());
        }
        if (call.stream()) {
            headers.put("accept", "text/event-stream");
        }
        return new HttpCall(URI.create(call.baseUrl() + "/chat/completions"), headers, WireJson.bytes(body));
    }

    @Override
    protected AttemptOutcome answer(JsonNode body, ProviderCall call) {
        JsonNode choice = body.path("choices").path(0);
        if (choice.isMissingNode()) {
            throw new IllegalArgumentException("no choices");
        }
        JsonNode content = choice.path("message").path("content");
        String text = content.isTextual() ? content.asText() : content.isNull() ? "" : null;
        if (text == null) {
            throw new IllegalArgumentException("choices[0].message.content missing");
        }
        return new Answered(text, finishReason(choice.path("finish_reason").asText(null)), usage(body));
    }

    @Override
    protected Usage usage(JsonNode body) {
        JsonNode u = body.path("usage");
        return usage(WireJson.intAt(u, "prompt_tokens"), WireJson.intAt(u, "completion_tokens"),
                WireJson.intAt(u, "prompt_tokens_details", "cached_tokens"), 0);
    }

    @Override
    protected Usage scanUsage(String text) {
        int in = WireJson.scanInt(text, "prompt_tokens");
        int out = WireJson.scanInt(text, "completion_tokens");
        return in < 0 && out < 0 ? null : usage(in, out, Math.max(0, WireJson.scanInt(text, "cached_tokens")), 0);
    }

    @Override
    protected StreamAssembly readStream(String text, ProviderCall call) {
        StreamAssembly s = new StreamAssembly();
        for (String data : StreamAssembly.sseData(text)) {
            if (data.equals("[DONE]")) {
                s.markFinished();
                continue;
            }
            JsonNode chunk = WireJson.tryParse(data);
            if (chunk == null) {
                continue;
            }
            if (chunk.has("error")) {
                s.error(ErrorKind.PROVIDER_ERROR, errorMessage(chunk));
                continue;
            }
            JsonNode choice = chunk.path("choices").path(0);
            s.append(choice.path("delta").path("content").asText(null));
            s.finishReason(finishReason(choice.path("finish_reason").asText(null)));
            if (chunk.path("usage").isObject()) {
                Usage u = usage(chunk);
                s.input(u.getInputTokens());
                s.output(u.getOutputTokens());
                s.cached(u.getCachedInputTokens(), 0);
            }
        }
        return s;
    }

    @Override
    protected String errorMessage(JsonNode body) {
        JsonNode error = body.path("error");
        String code = error.path("code").asText("");
        String message = error.isTextual() ? error.asText() : error.path("message").asText(body.toString());
        return code.isEmpty() ? message : code + ": " + message;
    }

    static String finishReason(String reason) {
        return reason == null ? null : switch (reason) {
            case "function_call" -> "tool_calls";
            default -> reason;
        };
    }
}
