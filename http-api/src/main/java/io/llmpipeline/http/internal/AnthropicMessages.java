package io.llmpipeline.http.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.schemas.ChatMessage;
import io.llmpipeline.schemas.GenerationParams;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.Role;

/** Anthropic's {@code POST /v1/messages}: request, {@code message}, its event stream and its error shape. */
public final class AnthropicMessages implements ApiFormat {
    @Override
    public String name() {
        return "anthropic";
    }

    @Override
    public ParsedCall parse(ObjectNode body, Catalog catalog) {
        String model = Json.requiredText(body, "model");
        LlmRequest.Builder request = ApiFormat.newRequest(model, catalog);
        Integer maxTokens = Json.optionalInt(body, "max_tokens");
        if (maxTokens == null) {
            throw ApiError.invalid("max_tokens", "max_tokens: Field required");
        }
        List<ChatMessage> messages = new ArrayList<>();
        if (body.hasNonNull("system")) {
            messages.add(new ChatMessage(Role.SYSTEM, OpenAiChat.text(body.get("system"), "system", false), null, null));
        }
        JsonNode turns = body.get("messages");
        if (turns == null || !turns.isArray() || turns.isEmpty()) {
            throw ApiError.invalid("messages", "messages: must be a non-empty array");
        }
        for (int i = 0; i < turns.size(); i++) {
            String path = "messages." + i;
            Role role = switch (turns.get(i).path("role").asText()) {
                case "user" -> Role.USER;
                case "assistant" -> Role.ASSISTANT;
                default -> throw ApiError.invalid(path + ".role", path + ".role: must be user or assistant");
            };
            messages.add(new ChatMessage(role, OpenAiChat.text(turns.get(i).get("content"), path + ".content", false), null, null));
        }
        request.setMessages(messages);
        List<String> stop = new ArrayList<>();
        JsonNode sequences = body.get("stop_sequences");
        if (sequences != null && sequences.isArray()) {
            sequences.forEach(s -> stop.add(s.asText()));
        }
        request.setParams(GenerationParams.newBuilder()
                .setMaxTokens(maxTokens)
                .setTemperature(Json.optionalNumber(body, "temperature"))
                .setTopP(Json.optionalNumber(body, "top_p"))
                .setStop(stop)
                .build());
        Map<String, String> metadata = new HashMap<>();
        Json.putStrings(body.get("metadata"), "metadata", metadata);
        metadata.put(METADATA_KEY, name());
        request.setMetadata(metadata);
        return new ParsedCall(request, Json.flag(body, "stream"), false);
    }

    @Override
    public ObjectNode success(LlmResult result, String callId) {
        ObjectNode message = message(result, callId);
        message.putArray("content").addObject().put("type", "text").put("text", result.getOutput() == null ? "" : result.getOutput());
        message.put("stop_reason", stopReason(result));
        message.set("usage", usage(result, result.getUsage().getOutputTokens()));
        return message;
    }

    @Override
    public String stream(LlmResult result, String callId, boolean includeUsage) {
        StringBuilder events = new StringBuilder();
        ObjectNode start = Json.object().put("type", "message_start");
        ObjectNode message = message(result, callId);
        message.putArray("content");
        message.putNull("stop_reason");
        message.set("usage", usage(result, 1));
        start.set("message", message);
        event(events, "message_start", start);
        ObjectNode blockStart = Json.object().put("type", "content_block_start").put("index", 0);
        blockStart.putObject("content_block").put("type", "text").put("text", "");
        event(events, "content_block_start", blockStart);
        event(events, "ping", Json.object().put("type", "ping"));
        for (String piece : AnswerPieces.split(result.getOutput())) {
            ObjectNode delta = Json.object().put("type", "content_block_delta").put("index", 0);
            delta.putObject("delta").put("type", "text_delta").put("text", piece);
            event(events, "content_block_delta", delta);
        }
        event(events, "content_block_stop", Json.object().put("type", "content_block_stop").put("index", 0));
        ObjectNode end = Json.object().put("type", "message_delta");
        end.putObject("delta").put("stop_reason", stopReason(result)).putNull("stop_sequence");
        end.putObject("usage").put("output_tokens", result.getUsage().getOutputTokens());
        event(events, "message_delta", end);
        event(events, "message_stop", Json.object().put("type", "message_stop"));
        return events.toString();
    }

    private static void event(StringBuilder events, String name, ObjectNode data) {
        events.append("event: ").append(name).append('\n').append("data: ").append(Json.write(data)).append("\n\n");
    }

    private static ObjectNode message(LlmResult result, String callId) {
        ObjectNode message = Json.object();
        message.put("id", "msg_" + callId);
        message.put("type", "message");
        message.put("role", "assistant");
        message.put("model", result.getModel() == null ? "" : result.getModel());
        message.putNull("stop_sequence");
        return message;
    }

    private static ObjectNode usage(LlmResult result, int outputTokens) {
        ObjectNode usage = Json.object();
        usage.put("input_tokens", result.getUsage().getInputTokens());
        usage.put("output_tokens", outputTokens);
        usage.put("cache_read_input_tokens", result.getUsage().getCachedInputTokens());
        usage.put("cache_creation_input_tokens", result.getUsage().getCacheCreationTokens());
        return usage;
    }

    private static String stopReason(LlmResult result) {
        String reason = result.getFinishReason();
        return switch (reason == null ? "stop" : reason) {
            case "length" -> "max_tokens";
            case "tool_calls" -> "tool_use";
            default -> "end_turn";
        };
    }

    @Override
    public ObjectNode error(ApiError error) {
        ObjectNode body = Json.object().put("type", "error");
        ObjectNode inner = body.putObject("error");
        inner.put("type", type(error));
        inner.put("message", error.getMessage());
        if (error.kind() != null) {
            inner.put("llm_error_kind", error.kind().name());
        }
        return body;
    }

    private static String type(ApiError error) {
        return switch (error.status()) {
            case 400 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503 -> "overloaded_error";
            default -> "api_error";
        };
    }
}
