package io.llmpipeline.sim.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** OpenAI chat completions: {@code POST /v1/chat/completions}, SSE {@code data:} chunks ending in {@code [DONE]}. */
public final class OpenAiFormat implements WireFormat {
    static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    @Override
    public ChatCall parse(Request request, JsonNode body, String pathModel, boolean pathStream) throws BadRequest {
        if (!body.isObject()) {
            throw new BadRequest("We could not parse the JSON body of your request: expected an object.");
        }
        JsonNode model = body.get("model");
        if (model == null || !model.isTextual() || model.asText().isEmpty()) {
            throw new BadRequest("you must provide a model parameter", "model");
        }
        JsonNode messages = body.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw new BadRequest("'messages' must be a non-empty array", "messages");
        }
        List<ChatMessage> out = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            JsonNode role = m.get("role");
            if (role == null || !role.isTextual()) {
                throw new BadRequest("Missing required parameter: 'messages[" + i + "].role'.", "messages[" + i + "].role");
            }
            String content = Json.text(m.get("content"), "text");
            out.add(new ChatMessage(role.asText(), content == null ? "" : content));
        }
        Integer maxTokens = Json.optInt(body, "max_completion_tokens");
        if (maxTokens == null) {
            maxTokens = Json.optInt(body, "max_tokens");
        }
        if (maxTokens != null && maxTokens < 1) {
            throw new BadRequest("Invalid 'max_tokens': integer below minimum value. Expected a value >= 1, but got "
                    + maxTokens + " instead.", "max_tokens");
        }
        boolean stream = Json.optBool(body, "stream", false);
        boolean includeUsage = Json.optBool(body.get("stream_options"), "include_usage", false);
        String auth = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        boolean hasKey = auth != null && auth.startsWith("Bearer ") && auth.length() > "Bearer ".length();
        return new ChatCall(model.asText(), out, maxTokens, stream, includeUsage, null, hasKey);
    }

    @Override
    public byte[] body(Completion c, ChatCall call) {
        ObjectNode root = Json.object();
        root.put("id", "chatcmpl-" + c.id());
        root.put("object", "chat.completion");
        root.put("created", c.createdEpochSecond());
        root.put("model", c.model());
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", c.text());
        message.putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(c));
        root.set("usage", usage(c));
        root.put("system_fingerprint", "fp_sim");
        return Json.bytes(root);
    }

    @Override
    public String streamContentType() {
        return "text/event-stream; charset=utf-8";
    }

    @Override
    public List<byte[]> frames(Completion c, ChatCall call) {
        List<byte[]> frames = new ArrayList<>(c.pieces().size() + 4);
        ObjectNode first = chunk(c, call);
        ObjectNode firstDelta = ((ObjectNode) first.get("choices").get(0)).putObject("delta");
        firstDelta.put("role", "assistant");
        firstDelta.put("content", "");
        firstDelta.putNull("refusal");
        frames.add(frame(first));
        for (String piece : c.pieces()) {
            ObjectNode chunk = chunk(c, call);
            ((ObjectNode) chunk.get("choices").get(0)).putObject("delta").put("content", piece);
            frames.add(frame(chunk));
        }
        ObjectNode last = chunk(c, call);
        ObjectNode lastChoice = (ObjectNode) last.get("choices").get(0);
        lastChoice.putObject("delta");
        lastChoice.put("finish_reason", finishReason(c));
        frames.add(frame(last));
        if (call.includeUsage()) {
            ObjectNode usage = chunk(c, call);
            usage.putArray("choices");
            usage.set("usage", usage(c));
            frames.add(frame(usage));
        }
        frames.add(DONE);
        return frames;
    }

    @Override
    public String frameTerminator() {
        return "\n\n";
    }

    @Override
    public Answer.Full error(int status, String message, Integer retryAfterSeconds) {
        String type;
        String code;
        switch (status) {
            case 400 -> { type = "invalid_request_error"; code = null; }
            case 401 -> { type = "invalid_request_error"; code = "invalid_api_key"; }
            case 403 -> { type = "invalid_request_error"; code = "unsupported_country_region_territory"; }
            case 404 -> { type = "invalid_request_error"; code = "model_not_found"; }
            case 429 -> { type = "requests"; code = "rate_limit_exceeded"; }
            default -> {
                type = status >= 500 ? "server_error" : "invalid_request_error";
                code = null;
            }
        }
        return error(status, message, type, null, code, retryAfterSeconds);
    }

    @Override
    public Answer.Full badRequest(BadRequest problem) {
        return error(400, problem.getMessage(), "invalid_request_error", problem.param(), null, null);
    }

    @Override
    public Answer.Full missingApiKey() {
        return error(401, "You didn't provide an API key. You need to provide your API key in an Authorization header "
                + "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).", "invalid_request_error", null, null, null);
    }

    @Override
    public Answer.Full contextTooLong(int promptTokens, int limit) {
        return error(400, "This model's maximum context length is " + limit + " tokens. However, your messages resulted in "
                + promptTokens + " tokens. Please reduce the length of the messages.", "invalid_request_error", "messages",
                "context_length_exceeded", null);
    }

    private static Answer.Full error(int status, String message, String type, String param, String code, Integer retryAfter) {
        ObjectNode root = Json.object();
        ObjectNode error = root.putObject("error");
        error.put("message", message);
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        return new Answer.Full(status, "application/json", Json.bytes(root), retryAfter);
    }

    private static String finishReason(Completion c) {
        return c.truncated() ? "length" : "stop";
    }

    private static ObjectNode usage(Completion c) {
        ObjectNode usage = Json.object();
        usage.put("prompt_tokens", c.promptTokens());
        usage.put("completion_tokens", c.completionTokens());
        usage.put("total_tokens", c.totalTokens());
        usage.putObject("prompt_tokens_details").put("cached_tokens", c.cachedTokens());
        usage.putObject("completion_tokens_details").put("reasoning_tokens", 0);
        return usage;
    }

    private static ObjectNode chunk(Completion c, ChatCall call) {
        ObjectNode chunk = Json.object();
        chunk.put("id", "chatcmpl-" + c.id());
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", c.createdEpochSecond());
        chunk.put("model", c.model());
        chunk.put("system_fingerprint", "fp_sim");
        ArrayNode choices = chunk.putArray("choices");
        ObjectNode choice = choices.addObject();
        choice.put("index", 0);
        choice.putNull("logprobs");
        choice.putNull("finish_reason");
        if (call.includeUsage()) {
            chunk.putNull("usage");
        }
        return chunk;
    }

    private static byte[] frame(ObjectNode event) {
        return ("data: " + Json.string(event) + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public java.util.Map<String, String> rateLimitHeaders(RateLimits.Admission admission, java.time.Instant now) {
        return RateLimitHeaders.openAi(admission);
    }
}
