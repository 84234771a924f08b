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
import io.llmpipeline.schemas.Role;
import io.llmpipeline.schemas.Usage;
import io.llmpipeline.worker.provider.AttemptOutcome.Answered;

/**
 * Anthropic Messages: {@code POST {baseUrl}/v1/messages} with {@code x-api-key} and
 * {@code anthropic-version}. System messages go to the top-level {@code system}; the pipeline's
 * input tokens are Anthropic's input plus cache-read plus cache-creation tokens.
 */
public final class AnthropicAdapter extends ProviderAdapter {
    static final String API_VERSION = "2023-06-01";
    private static final Set<String> OWNED = Set.of("model", "messages", "stream", "system");

    AnthropicAdapter(Clock clock) {
        super(clock);
    }

    @Override
    public HttpCall request(ProviderCall call) {
        ObjectNode body = WireJson.object();
        body.put("model", call.providerModel());
        body.put("max_tokens", call.maxTokens());
        StringBuilder system = new StringBuilder();
        ArrayNode messages = body.putArray("messages");
        for (ChatMessage m : call.messages()) {
            if (m.getRole() == Role.SYSTEM) {
                system.append(system.isEmpty() ? "" : "\n\n").append(m.getContent());
            } else {
                messages.addObject().put("role", m.getRole() == Role.ASSISTANT ? "assistant" : "user")
                        .put("content", m.getContent());
            }
        }
        if (!system.isEmpty()) {
            body.put("system", system.toString());
        }
        GenerationParams p = call.params();
        if (p.getTemperature() != null) {
            body.put("temperature", p.getTemperature());
        }
        if (p.getTopP() != null) {
            body.put("top_p", p.getTopP());
        }
        if (!p.getStop().isEmpty()) {
            ArrayNode stop = body.putArray("stop_sequences");
            p.getStop().forEach(stop::add);
        }
        if (call.stream()) {
            body.put("stream", true);
        }
        WireJson.mergePassthrough(body, call.passthroughJson(), OWNED);
        Map<String, String> headers = new HashMap<>(jsonHeaders());
        headers.put("anthropic-version", API_VERSION);
        if (call.apiKey() != null) {
            headers.put("x-api-key", call.apiKey());
        }
        if (call.stream()) {
            headers.put("accept", "text/event-stream");
        }
        return new HttpCall(URI.create(call.baseUrl() + "/v1/messages"), headers, WireJson.bytes(body));
    }

    @Override
    protected AttemptOutcome answer(JsonNode body, ProviderCall call) {
        JsonNode content = body.path("content");
        if (!content.isArray()) {
            throw new IllegalArgumentException("content is not an array");
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode block : content) {
            if ("text".equals(block.path("type").asText())) {
                text.append(block.path("text").asText());
            }
        }
        return new Answered(text.toString(), stopReason(body.path("stop_reason").asText(null)), usage(body));
    }

    @Override
    protected Usage usage(JsonNode body) {
        return usageOf(body.path("usage"));
    }

    private static Usage usageOf(JsonNode u) {
        int read = WireJson.intAt(u, "cache_read_input_tokens");
        int created = WireJson.intAt(u, "cache_creation_input_tokens");
        return usage(WireJson.intAt(u, "input_tokens") + read + created, WireJson.intAt(u, "output_tokens"), read, created);
    }

    @Override
    protected Usage scanUsage(String text) {
        int in = WireJson.scanInt(text, "input_tokens");
        int out = WireJson.scanInt(text, "output_tokens");
        if (in < 0 && out < 0) {
            return null;
        }
        int read = Math.max(0, WireJson.scanInt(text, "cache_read_input_tokens"));
        int created = Math.max(0, WireJson.scanInt(text, "cache_creation_input_tokens"));
        return usage(Math.max(0, in) + read + created, out, read, created);
    }

    @Override
    protected StreamAssembly readStream(String text, ProviderCall call) {
        StreamAssembly s = new StreamAssembly();
        for (String data : StreamAssembly.sseData(text)) {
            JsonNode event = WireJson.tryParse(data);
            if (event == null) {
                continue;
            }
            switch (event.path("type").asText()) {
                case "message_start" -> {
                    Usage u = usageOf(event.path("message").path("usage"));
                    s.input(u.getInputTokens());
                    s.cached(u.getCachedInputTokens(), u.getCacheCreationTokens());
                    if (event.path("message").path("usage").has("output_tokens")) {
                        s.output(u.getOutputTokens());
                    }
                }
                case "content_block_delta" -> s.append(event.path("delta").path("text").asText(null));
                case "message_delta" -> {
                    s.finishReason(stopReason(event.path("delta").path("stop_reason").asText(null)));
                    if (event.path("usage").has("output_tokens")) {
                        s.output(event.path("usage").path("output_tokens").asInt());
                    }
                }
                case "message_stop" -> s.markFinished();
                case "error" -> {
                    ErrorKind kind = errorKind(event.path("error").path("type").asText());
                    s.error(kind == ErrorKind.INTERNAL ? ErrorKind.PROVIDER_ERROR : kind, errorMessage(event));
                }
                default -> {
                    // ping, content_block_start, content_block_stop carry nothing we keep
                }
            }
        }
        return s;
    }

    @Override
    protected String errorMessage(JsonNode body) {
        JsonNode error = body.path("error");
        String type = error.path("type").asText("");
        String message = error.path("message").asText(body.toString());
        return type.isEmpty() ? message : type + ": " + message;
    }

    @Override
    protected ErrorKind refineError(ErrorKind byStatus, int status, JsonNode body, String message) {
        ErrorKind refined = super.refineError(byStatus, status, body, message);
        if (refined != byStatus || body == null) {
            return refined;
        }
        ErrorKind byType = errorKind(body.path("error").path("type").asText(""));
        return byType == ErrorKind.INTERNAL ? byStatus : byType;
    }

    /** Anthropic's error types; the status decides the rest. */
    private static ErrorKind errorKind(String type) {
        return switch (type) {
            case "overloaded_error" -> ErrorKind.PROVIDER_OVERLOADED;
            case "rate_limit_error" -> ErrorKind.RATE_LIMITED;
            case "api_error" -> ErrorKind.PROVIDER_ERROR;
            case "authentication_error", "permission_error" -> ErrorKind.AUTHENTICATION;
            case "not_found_error" -> ErrorKind.UNAVAILABLE;
            case "request_too_large" -> ErrorKind.CONTEXT_OVERFLOW;
            case "invalid_request_error" -> ErrorKind.INVALID_REQUEST;
            default -> ErrorKind.INTERNAL;
        };
    }

    static String stopReason(String reason) {
        return reason == null ? null : switch (reason) {
            case "end_turn", "stop_sequence" -> "stop";
            case "max_tokens" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> reason;
        };
    }
}
