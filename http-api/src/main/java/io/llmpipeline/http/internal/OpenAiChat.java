package io.llmpipeline.http.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.schemas.ChatMessage;
import io.llmpipeline.schemas.GenerationParams;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.Role;

/** OpenAI's {@code POST /v1/chat/completions}: request, {@code chat.completion}, {@code chat.completion.chunk} and error shapes. */
public final class OpenAiChat implements ApiFormat {
    /** Fields the pipeline has no column for, handed to the provider as they are. */
    private static final Set<String> PASSTHROUGH = Set.of("tools", "tool_choice", "response_format", "frequency_penalty",
            "presence_penalty", "logit_bias", "parallel_tool_calls", "reasoning_effort");

    @Override
    public String name() {
        return "openai";
    }

    @Override
    public ParsedCall parse(ObjectNode body, Catalog catalog) {
        String model = Json.requiredText(body, "model");
        LlmRequest.Builder request = ApiFormat.newRequest(model, catalog);
        request.setMessages(messages(body.get("messages")));
        Integer n = Json.optionalInt(body, "n");
        if (n != null && n != 1) {
            throw ApiError.invalid("n", "only n=1 is supported; the pipeline answers each request once");
        }
        Integer maxTokens = Json.optionalInt(body, "max_completion_tokens");
        if (maxTokens == null) {
            maxTokens = Json.optionalInt(body, "max_tokens");
        }
        boolean stream = Json.flag(body, "stream");
        JsonNode seed = body.get("seed");
        request.setParams(GenerationParams.newBuilder()
                .setMaxTokens(maxTokens)
                .setTemperature(Json.optionalNumber(body, "temperature"))
                .setTopP(Json.optionalNumber(body, "top_p"))
                .setSeed(seed == null || seed.isNull() ? null : seed.asLong())
                .setStop(stop(body.get("stop")))
                .build());
        Map<String, String> metadata = new HashMap<>();
        Json.putStrings(body.get("metadata"), "metadata", metadata);
        if (body.hasNonNull("user")) {
            metadata.put("user", body.get("user").asText());
        }
        metadata.put(METADATA_KEY, name());
        request.setMetadata(metadata);
        ObjectNode passthrough = Json.object();
        PASSTHROUGH.forEach(field -> {
            if (body.hasNonNull(field)) {
                passthrough.set(field, body.get(field));
            }
        });
        if (!passthrough.isEmpty()) {
            request.setPassthroughJson(Json.write(passthrough));
        }
        JsonNode options = body.get("stream_options");
        boolean includeUsage = stream && options != null && options.isObject() && Json.flag(options, "include_usage");
        return new ParsedCall(request, stream, includeUsage);
    }

    private static List<ChatMessage> messages(JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw ApiError.invalid("messages", "'messages' must be a non-empty array");
        }
        List<ChatMessage> messages = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode message = node.get(i);
            String path = "messages[" + i + "]";
            Role role = switch (message.path("role").asText()) {
                case "system", "developer" -> Role.SYSTEM;
                case "user" -> Role.USER;
                case "assistant" -> Role.ASSISTANT;
                case "tool" -> Role.TOOL;
                default -> throw ApiError.invalid(path + ".role", path + ".role must be one of system, developer, user, assistant, tool; got "
                        + message.path("role"));
            };
            String content = text(message.get("content"), path + ".content", role == Role.ASSISTANT);
            messages.add(new ChatMessage(role, content, message.hasNonNull("name") ? message.get("name").asText() : null,
                    message.hasNonNull("tool_call_id") ? message.get("tool_call_id").asText() : null));
        }
        return messages;
    }

    /** A content string, or an array of text parts joined; other part types are refused, never silently dropped. */
    static String text(JsonNode content, String path, boolean mayBeEmpty) {
        if (content == null || content.isNull()) {
            if (mayBeEmpty) {
                return "";
            }
            throw ApiError.invalid(path, path + " is required");
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (!content.isArray()) {
            throw ApiError.invalid(path, path + " must be a string or an array of text parts");
        }
        StringBuilder text = new StringBuilder();
        for (int p = 0; p < content.size(); p++) {
            JsonNode part = content.get(p);
            if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                throw ApiError.invalid(path, path + "[" + p + "] is a '" + part.path("type").asText()
                        + "' part; only text parts are supported");
            }
            text.append(part.get("text").asText());
        }
        return text.toString();
    }

    private static List<String> stop(JsonNode stop) {
        if (stop == null || stop.isNull()) {
            return List.of();
        }
        if (stop.isTextual()) {
            return List.of(stop.asText());
        }
        if (stop.isArray()) {
            List<String> sequences = new ArrayList<>();
            stop.forEach(s -> sequences.add(s.asText()));
            return sequences;
        }
        throw ApiError.invalid("stop", "'stop' must be a string or an array of strings");
    }

    @Override
    public ObjectNode success(LlmResult result, String callId) {
        ObjectNode body = header(result, callId, "chat.completion");
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", result.getOutput() == null ? "" : result.getOutput());
        message.putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(result));
        body.set("usage", usage(result));
        return body;
    }

    @Override
    public String stream(LlmResult result, String callId, boolean includeUsage) {
        StringBuilder events = new StringBuilder();
        ObjectNode first = chunk(result, callId, includeUsage);
        ObjectNode delta = ((ObjectNode) first.get("choices").get(0)).putObject("delta");
        delta.put("role", "assistant");
        delta.put("content", "");
        event(events, first);
        for (String piece : AnswerPieces.split(result.getOutput())) {
            ObjectNode chunk = chunk(result, callId, includeUsage);
            ((ObjectNode) chunk.get("choices").get(0)).putObject("delta").put("content", piece);
            event(events, chunk);
        }
        ObjectNode last = chunk(result, callId, includeUsage);
        ObjectNode lastChoice = (ObjectNode) last.get("choices").get(0);
        lastChoice.putObject("delta");
        lastChoice.put("finish_reason", finishReason(result));
        event(events, last);
        if (includeUsage) {
            ObjectNode usage = header(result, callId, "chat.completion.chunk");
            usage.putArray("choices");
            usage.set("usage", usage(result));
            event(events, usage);
        }
        events.append("data: [DONE]\n\n");
        return events.toString();
    }

    private ObjectNode chunk(LlmResult result, String callId, boolean includeUsage) {
        ObjectNode chunk = header(result, callId, "chat.completion.chunk");
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putNull("logprobs");
        choice.putNull("finish_reason");
        if (includeUsage) {
            chunk.putNull("usage");
        }
        return chunk;
    }

    private static void event(StringBuilder events, ObjectNode data) {
        events.append("data: ").append(Json.write(data)).append("\n\n");
    }

    private static ObjectNode header(LlmResult result, String callId, String object) {
        ObjectNode body = Json.object();
        body.put("id", "chatcmpl-" + callId);
        body.put("object", object);
        body.put("created", result.getCompletedAtMs() / 1000);
        body.put("model", result.getModel() == null ? "" : result.getModel());
        body.putNull("system_fingerprint");
        return body;
    }

    private static ObjectNode usage(LlmResult result) {
        ObjectNode usage = Json.object();
        int in = result.getUsage().getInputTokens();
        int out = result.getUsage().getOutputTokens();
        usage.put("prompt_tokens", in);
        usage.put("completion_tokens", out);
        usage.put("total_tokens", in + out);
        usage.putObject("prompt_tokens_details").put("cached_tokens", result.getUsage().getCachedInputTokens());
        return usage;
    }

    private static String finishReason(LlmResult result) {
        String reason = result.getFinishReason();
        return switch (reason == null ? "stop" : reason) {
            case "length", "content_filter", "tool_calls", "function_call" -> reason;
            default -> "stop";
        };
    }

    @Override
    public ObjectNode error(ApiError error) {
        ObjectNode body = Json.object();
        ObjectNode inner = body.putObject("error");
        inner.put("message", error.getMessage());
        inner.put("type", error.type());
        inner.put("param", error.param());
        inner.put("code", error.code());
        if (error.kind() != null) {
            inner.put("llm_error_kind", error.kind().name());
        }
        return body;
    }

}
