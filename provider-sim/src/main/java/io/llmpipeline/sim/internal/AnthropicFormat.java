package io.llmpipeline.sim.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.jetty.server.Request;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Anthropic Messages: {@code POST /anthropic/v1/messages}; top-level {@code system}; SSE with named
 * events message_start, content_block_start, ping, content_block_delta, content_block_stop,
 * message_delta, message_stop.
 */
public final class AnthropicFormat implements WireFormat {

    @Override
    public ChatCall parse(Request request, JsonNode body, String pathModel, boolean pathStream) throws BadRequest {
        if (request.getHeaders().get("anthropic-version") == null) {
            throw new BadRequest("anthropic-version: header is required");
        }
        if (!body.isObject()) {
            throw new BadRequest("Request body must be a JSON object");
        }
        JsonNode model = body.get("model");
        if (model == null || !model.isTextual() || model.asText().isEmpty()) {
            throw new BadRequest("model: Field required");
        }
        Integer maxTokens = Json.optInt(body, "max_tokens");
        if (maxTokens == null) {
            throw new BadRequest("max_tokens: Field required");
        }
        if (maxTokens < 1) {
            throw new BadRequest("max_tokens: Input should be greater than or equal to 1");
        }
        JsonNode messages = body.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw new BadRequest("messages: at least one message is required");
        }
        List<ChatMessage> out = new ArrayList<>(messages.size() + 1);
        JsonNode system = body.get("system");
        if (system != null && !system.isNull()) {
            String text = Json.text(system, "text");
            if (text == null) {
                throw new BadRequest("system: Input should be a valid string or a list of text blocks");
            }
            out.add(new ChatMessage("system", text));
        }
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String role = m.path("role").asText("");
            if (!role.equals("user") && !role.equals("assistant")) {
                throw new BadRequest("messages." + i + ".role: Input should be 'user' or 'assistant'");
            }
            String content = Json.text(m.get("content"), "text");
            if (content == null) {
                throw new BadRequest("messages." + i + ".content: Field required");
            }
            out.add(new ChatMessage(role, content));
        }
        boolean stream = Json.optBool(body, "stream", false);
        String key = request.getHeaders().get("x-api-key");
        String auth = request.getHeaders().get("Authorization");
        boolean hasKey = (key != null && !key.isBlank()) || (auth != null && auth.startsWith("Bearer ") && auth.length() > 7);
        return new ChatCall(model.asText(), out, maxTokens, stream, false, null, hasKey);
    }

    @Override
    public byte[] body(Completion c, ChatCall call) {
        ObjectNode root = Json.object();
        root.put("id", "msg_" + c.id());
        root.put("type", "message");
        root.put("role", "assistant");
        root.put("model", c.model());
        root.putArray("content").addObject().put("type", "text").put("text", c.text());
        root.put("stop_reason", stopReason(c));
        root.putNull("stop_sequence");
        ObjectNode usage = root.putObject("usage");
        usage.put("input_tokens", c.promptTokens() - c.cachedTokens());
        usage.put("cache_creation_input_tokens", 0);
        usage.put("cache_read_input_tokens", c.cachedTokens());
        usage.put("output_tokens", c.completionTokens());
        return Json.bytes(root);
    }

    @Override
    public String streamContentType() {
        return "text/event-stream; charset=utf-8";
    }

    @Override
    public List<byte[]> frames(Completion c, ChatCall call) {
        List<byte[]> frames = new ArrayList<>(c.pieces().size() + 6);
        ObjectNode start = Json.object().put("type", "message_start");
        ObjectNode message = start.putObject("message");
        message.put("id", "msg_" + c.id());
        message.put("type", "message");
        message.put("role", "assistant");
        message.put("model", c.model());
        message.putArray("content");
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        ObjectNode usage = message.putObject("usage");
        usage.put("input_tokens", c.promptTokens() - c.cachedTokens());
        usage.put("cache_creation_input_tokens", 0);
        usage.put("cache_read_input_tokens", c.cachedTokens());
        usage.put("output_tokens", 1);
        frames.add(event("message_start", start));
        ObjectNode blockStart = Json.object().put("type", "content_block_start").put("index", 0);
        blockStart.putObject("content_block").put("type", "text").put("text", "");
        frames.add(event("content_block_start", blockStart));
        frames.add(event("ping", Json.object().put("type", "ping")));
        for (String piece : c.pieces()) {
            ObjectNode delta = Json.object().put("type", "content_block_delta").put("index", 0);
            delta.putObject("delta").put("type", "text_delta").put("text", piece);
            frames.add(event("content_block_delta", delta));
        }
        frames.add(event("content_block_stop", Json.object().put("type", "content_block_stop").put("index", 0)));
        ObjectNode messageDelta = Json.object().put("type", "message_delta");
        messageDelta.putObject("delta").put("stop_reason", stopReason(c)).putNull("stop_sequence");
        messageDelta.putObject("usage").put("output_tokens", c.completionTokens());
        frames.add(event("message_delta", messageDelta));
        frames.add(event("message_stop", Json.object().put("type", "message_stop")));
        return frames;
    }

    @Override
    public String frameTerminator() {
        return "\n\n";
    }

    @Override
    public Answer.Full error(int status, String message, Integer retryAfterSeconds) {
        String type = switch (status) {
            case 400 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 504 -> "timeout_error";
            case 529 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
        ObjectNode root = Json.object().put("type", "error");
        root.putObject("error").put("type", type).put("message", message);
        root.put("request_id", "req_sim" + Long.toHexString(System.nanoTime()));
        return new Answer.Full(status, "application/json", Json.bytes(root), retryAfterSeconds);
    }

    @Override
    public Answer.Full missingApiKey() {
        return error(401, "x-api-key header is required", null);
    }

    @Override
    public Answer.Full contextTooLong(int promptTokens, int limit) {
        return error(400, "prompt is too long: " + promptTokens + " tokens > " + limit + " maximum", null);
    }

    private static String stopReason(Completion c) {
        return c.truncated() ? "max_tokens" : "end_turn";
    }

    private static byte[] event(String name, ObjectNode data) {
        return ("event: " + name + "\ndata: " + Json.string(data) + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public java.util.Map<String, String> rateLimitHeaders(RateLimits.Admission admission, java.time.Instant now) {
        return RateLimitHeaders.anthropic(admission, now);
    }
}
