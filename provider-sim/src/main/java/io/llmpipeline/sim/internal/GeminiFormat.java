package io.llmpipeline.sim.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.jetty.server.Request;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Gemini: {@code POST /gemini/v1beta/models/{model}:generateContent} and
 * {@code :streamGenerateContent?alt=sse} (SSE frames of the same response shape, the last one
 * with {@code finishReason} and {@code usageMetadata}; no end marker).
 */
public final class GeminiFormat implements WireFormat {

    @Override
    public ChatCall parse(Request request, JsonNode body, String pathModel, boolean pathStream) throws BadRequest {
        if (pathStream && !"sse".equals(Request.extractQueryParameters(request).getValue("alt"))) {
            throw new BadRequest("provider-sim streams Gemini only as server-sent events: add ?alt=sse");
        }
        if (!body.isObject()) {
            throw new BadRequest("Invalid JSON payload received. Expected an object.");
        }
        JsonNode contents = body.get("contents");
        if (contents == null || !contents.isArray() || contents.isEmpty()) {
            throw new BadRequest("* GenerateContentRequest.contents: contents is not specified");
        }
        List<ChatMessage> out = new ArrayList<>(contents.size() + 1);
        JsonNode system = body.get("systemInstruction");
        if (system == null) {
            system = body.get("system_instruction");
        }
        if (system != null && !system.isNull()) {
            out.add(new ChatMessage("system", parts(system)));
        }
        for (int i = 0; i < contents.size(); i++) {
            JsonNode content = contents.get(i);
            String role = content.path("role").asText("user");
            if (!role.equals("user") && !role.equals("model")) {
                throw new BadRequest("* GenerateContentRequest.contents[" + i + "].role: Please use a valid role: user, model.");
            }
            out.add(new ChatMessage(role.equals("model") ? "assistant" : "user", parts(content)));
        }
        JsonNode config = body.get("generationConfig");
        Integer maxTokens = Json.optInt(config, "maxOutputTokens");
        String headerKey = request.getHeaders().get("x-goog-api-key");
        String queryKey = Request.extractQueryParameters(request).getValue("key");
        boolean hasKey = (headerKey != null && !headerKey.isBlank()) || (queryKey != null && !queryKey.isBlank());
        return new ChatCall(pathModel, out, maxTokens, pathStream, false, null, hasKey);
    }

    private static String parts(JsonNode content) {
        String text = Json.text(content.get("parts"), "text");
        return text == null ? "" : text;
    }

    @Override
    public byte[] body(Completion c, ChatCall call) {
        ObjectNode root = response(c, c.text(), true);
        return Json.bytes(root);
    }

    @Override
    public String streamContentType() {
        return "text/event-stream";
    }

    @Override
    public List<byte[]> frames(Completion c, ChatCall call) {
        List<String> pieces = c.pieces().isEmpty() ? List.of("") : c.pieces();
        List<byte[]> frames = new ArrayList<>(pieces.size());
        for (int i = 0; i < pieces.size(); i++) {
            frames.add(frame(response(c, pieces.get(i), i == pieces.size() - 1)));
        }
        return frames;
    }

    @Override
    public String frameTerminator() {
        return "\r\n\r\n";
    }

    @Override
    public Answer.Full error(int status, String message, Integer retryAfterSeconds) {
        return error(status, message, retryAfterSeconds, null);
    }

    private static Answer.Full error(int status, String message, Integer retryAfterSeconds, Integer retryDelaySeconds) {
        String code = switch (status) {
            case 400 -> "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 409 -> "ABORTED";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 499 -> "CANCELLED";
            case 501 -> "UNIMPLEMENTED";
            case 503 -> "UNAVAILABLE";
            case 504 -> "DEADLINE_EXCEEDED";
            default -> status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
        };
        ObjectNode root = Json.object();
        ObjectNode error = root.putObject("error");
        error.put("code", status);
        error.put("message", message);
        error.put("status", code);
        if (retryDelaySeconds != null) {
            error.putArray("details").addObject()
                    .put("@type", "type.googleapis.com/google.rpc.RetryInfo")
                    .put("retryDelay", retryDelaySeconds + "s");
        }
        return new Answer.Full(status, "application/json; charset=UTF-8", Json.bytes(root), retryAfterSeconds);
    }

    @Override
    public Answer.Full missingApiKey() {
        return error(401, "Method doesn't allow unregistered callers (callers without established identity). "
                + "Please use API Key or other form of API consumer identity to call this API.", null);
    }

    @Override
    public Answer.Full rateLimited(String model, String limitName, long limit, int retryAfterSeconds) {
        return error(429, "You exceeded your current quota: " + limit + " " + limitName + " per minute for " + model
                + ". Please retry in " + retryAfterSeconds + "s.", retryAfterSeconds, retryAfterSeconds);
    }

    @Override
    public Answer.Full contextTooLong(int promptTokens, int limit) {
        return error(400, "The input token count (" + promptTokens + ") exceeds the maximum number of tokens allowed ("
                + limit + ").", null);
    }

    private static ObjectNode response(Completion c, String text, boolean last) {
        ObjectNode root = Json.object();
        ObjectNode candidate = root.putArray("candidates").addObject();
        ObjectNode content = candidate.putObject("content");
        content.putArray("parts").addObject().put("text", text);
        content.put("role", "model");
        if (last) {
            candidate.put("finishReason", c.truncated() ? "MAX_TOKENS" : "STOP");
        }
        candidate.put("index", 0);
        if (last) {
            ObjectNode usage = root.putObject("usageMetadata");
            usage.put("promptTokenCount", c.promptTokens());
            usage.put("candidatesTokenCount", c.completionTokens());
            usage.put("totalTokenCount", c.totalTokens());
            if (c.cachedTokens() > 0) {
                usage.put("cachedContentTokenCount", c.cachedTokens());
            }
        }
        root.put("modelVersion", c.model());
        root.put("responseId", c.id());
        return root;
    }

    private static byte[] frame(ObjectNode node) {
        return ("data: " + Json.string(node) + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
    }
}
