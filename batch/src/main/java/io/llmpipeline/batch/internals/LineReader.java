package io.llmpipeline.batch.internals;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.llmpipeline.batch.InputFormat;
import io.llmpipeline.schemas.ChatMessage;
import io.llmpipeline.schemas.GenerationParams;
import io.llmpipeline.schemas.Role;

/**
 * Reads one JSONL line of either format into a {@link ParsedLine}. Only what the pipeline can
 * send is accepted (chat completions, text content); every refusal says which field and why.
 */
public final class LineReader {
    /** custom_id plus the batch id must fit the router's 256-character idempotency key. */
    public static final int MAX_CUSTOM_ID = 200;
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> OPENAI_HANDLED = Set.of("model", "messages", "max_tokens", "max_completion_tokens",
            "temperature", "top_p", "seed", "stop", "stream", "stream_options");
    private static final Set<String> ANTHROPIC_HANDLED = Set.of("model", "messages", "max_tokens", "system",
            "temperature", "top_p", "stop_sequences", "stream", "metadata");

    private final InputFormat format;

    public LineReader(InputFormat format) {
        this.format = format;
    }

    /** The format of a file whose first non-blank line is {@code line}, or null when it is neither. */
    public static InputFormat detect(String line) {
        try {
            JsonNode node = JSON.readTree(line);
            if (node != null && node.has("params")) {
                return InputFormat.ANTHROPIC;
            }
            if (node != null && (node.has("body") || node.has("url"))) {
                return InputFormat.OPENAI;
            }
        } catch (JsonProcessingException e) {
            return null;
        }
        return null;
    }

    public ParsedLine read(long lineNumber, String line) {
        if (line.isBlank()) {
            return new ParsedLine.Invalid(lineNumber, null, "blank line");
        }
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            return new ParsedLine.Invalid(lineNumber, null, "not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            return new ParsedLine.Invalid(lineNumber, null, "not a JSON object");
        }
        JsonNode id = node.get("custom_id");
        if (id == null || !id.isTextual() || id.asText().isBlank()) {
            return new ParsedLine.Invalid(lineNumber, null, "custom_id is missing or not a non-blank string");
        }
        String customId = id.asText();
        if (customId.length() > MAX_CUSTOM_ID) {
            return new ParsedLine.Invalid(lineNumber, customId.substring(0, 40) + "...",
                    "custom_id is longer than " + MAX_CUSTOM_ID + " characters");
        }
        try {
            return format == InputFormat.OPENAI ? openAi(lineNumber, customId, node) : anthropic(lineNumber, customId, node);
        } catch (BadLine e) {
            return new ParsedLine.Invalid(lineNumber, customId, e.getMessage());
        }
    }

    private ParsedLine openAi(long lineNumber, String customId, JsonNode node) {
        if (node.has("params")) {
            throw new BadLine("an Anthropic line in an OpenAI batch file");
        }
        if (!"POST".equals(text(node, "method"))) {
            throw new BadLine("method must be POST");
        }
        if (!"/v1/chat/completions".equals(text(node, "url"))) {
            throw new BadLine("url must be /v1/chat/completions (other endpoints are not supported)");
        }
        JsonNode body = node.get("body");
        if (body == null || !body.isObject()) {
            throw new BadLine("body is missing or not an object");
        }
        List<ChatMessage> messages = new ArrayList<>();
        for (JsonNode m : array(body, "messages", "body.messages")) {
            messages.add(new ChatMessage(openAiRole(text(m, "role")), content(m.get("content"), "body.messages[].content"),
                    text(m, "name"), text(m, "tool_call_id")));
        }
        Integer maxTokens = positiveInt(body, body.has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens", "body.");
        GenerationParams params = GenerationParams.newBuilder()
                .setMaxTokens(maxTokens)
                .setTemperature(number(body, "temperature"))
                .setTopP(number(body, "top_p"))
                .setSeed(body.hasNonNull("seed") ? body.get("seed").asLong() : null)
                .setStop(stops(body.get("stop"), "body.stop"))
                .build();
        ObjectNode rest = ((ObjectNode) body).deepCopy();
        rest.remove(OPENAI_HANDLED);
        return new ParsedLine.Valid(lineNumber, customId, text(body, "model"), messages, params,
                rest.isEmpty() ? null : rest.toString());
    }

    private ParsedLine anthropic(long lineNumber, String customId, JsonNode node) {
        JsonNode p = node.get("params");
        if (p == null || !p.isObject()) {
            throw new BadLine(node.has("body") ? "an OpenAI line in an Anthropic batch file" : "params is missing or not an object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = p.properties().iterator(); it.hasNext(); ) {
            String field = it.next().getKey();
            if (!ANTHROPIC_HANDLED.contains(field)) {
                throw new BadLine("params." + field + " is not supported (supported: " + ANTHROPIC_HANDLED + ")");
            }
        }
        List<ChatMessage> messages = new ArrayList<>();
        JsonNode system = p.get("system");
        if (system != null && !system.isNull()) {
            messages.add(new ChatMessage(Role.SYSTEM, content(system, "params.system"), null, null));
        }
        for (JsonNode m : array(p, "messages", "params.messages")) {
            String role = text(m, "role");
            if (!"user".equals(role) && !"assistant".equals(role)) {
                throw new BadLine("params.messages[].role must be user or assistant, not " + role);
            }
            messages.add(new ChatMessage("user".equals(role) ? Role.USER : Role.ASSISTANT,
                    content(m.get("content"), "params.messages[].content"), null, null));
        }
        Integer maxTokens = positiveInt(p, "max_tokens", "params.");
        if (maxTokens == null) {
            throw new BadLine("params.max_tokens is required");
        }
        GenerationParams params = GenerationParams.newBuilder()
                .setMaxTokens(maxTokens)
                .setTemperature(number(p, "temperature"))
                .setTopP(number(p, "top_p"))
                .setStop(stops(p.get("stop_sequences"), "params.stop_sequences"))
                .build();
        return new ParsedLine.Valid(lineNumber, customId, text(p, "model"), messages, params, null);
    }

    private static Role openAiRole(String role) {
        if (role == null) {
            throw new BadLine("body.messages[].role is missing");
        }
        return switch (role) {
            case "system", "developer" -> Role.SYSTEM;
            case "user" -> Role.USER;
            case "assistant" -> Role.ASSISTANT;
            case "tool" -> Role.TOOL;
            default -> throw new BadLine("body.messages[].role '" + role + "' is not one of system, developer, user, assistant, tool");
        };
    }

    /** A string, or an array of text parts joined; anything else (images, documents) is refused. */
    private static String content(JsonNode content, String path) {
        if (content == null || content.isNull()) {
            throw new BadLine(path + " is missing");
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (!content.isArray()) {
            throw new BadLine(path + " must be a string or an array of text parts");
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            if (!"text".equals(text(part, "type")) || !part.path("text").isTextual()) {
                throw new BadLine(path + ": only text parts are supported, found type " + text(part, "type"));
            }
            text.append(part.get("text").asText());
        }
        return text.toString();
    }

    private static Iterable<JsonNode> array(JsonNode parent, String field, String path) {
        JsonNode node = parent.get(field);
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw new BadLine(path + " is missing or empty");
        }
        return node;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isTextual() ? null : value.asText();
    }

    private static Double number(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            throw new BadLine(field + " must be a number");
        }
        return value.asDouble();
    }

    private static Integer positiveInt(JsonNode node, String field, String prefix) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < 1) {
            throw new BadLine(prefix + field + " must be a positive integer");
        }
        return value.asInt();
    }

    private static List<String> stops(JsonNode stop, String path) {
        if (stop == null || stop.isNull()) {
            return List.of();
        }
        if (stop.isTextual()) {
            return List.of(stop.asText());
        }
        if (!stop.isArray()) {
            throw new BadLine(path + " must be a string or an array of strings");
        }
        List<String> out = new ArrayList<>();
        stop.forEach(s -> out.add(s.asText()));
        return out;
    }

    /** Why a line cannot be sent; cheap, since bad files can have millions of them. */
    private static final class BadLine extends RuntimeException {
        BadLine(String message) {
            super(message, null, false, false);
        }
    }
}
