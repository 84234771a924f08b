package io.llmpipeline.sim.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.jetty.server.Request;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Ollama chat: {@code POST /ollama/api/chat}; streams by default, as newline-delimited JSON; prompts
 * longer than the context ({@code options.num_ctx}, else {@link #DEFAULT_NUM_CTX}) are truncated
 * silently and {@code prompt_eval_count} reports only what was kept.
 */
public final class OllamaFormat implements WireFormat {
    /** Ollama's default context on machines with less than 24 GiB of VRAM (docs/context-length). */
    public static final int DEFAULT_NUM_CTX = 4096;
    /** Nominal speeds, only so that the duration fields hold plausible, deterministic numbers. */
    static final long PROMPT_NANOS_PER_TOKEN = 200_000;
    static final long EVAL_NANOS_PER_TOKEN = 20_000_000;
    static final long LOAD_NANOS = 5_000_000;

    @Override
    public ChatCall parse(Request request, JsonNode body, String pathModel, boolean pathStream) throws BadRequest {
        if (!body.isObject()) {
            throw new BadRequest("invalid request body: expected a JSON object");
        }
        JsonNode model = body.get("model");
        if (model == null || !model.isTextual() || model.asText().isEmpty()) {
            throw new BadRequest("model is required");
        }
        JsonNode messages = body.get("messages");
        List<ChatMessage> out = new ArrayList<>();
        if (messages != null && !messages.isNull()) {
            if (!messages.isArray()) {
                throw new BadRequest("messages must be an array");
            }
            for (JsonNode m : messages) {
                JsonNode content = m.get("content");
                out.add(new ChatMessage(m.path("role").asText("user"), content != null && content.isTextual() ? content.asText() : ""));
            }
        }
        JsonNode options = body.get("options");
        Integer numCtx = Json.optInt(options, "num_ctx");
        Integer numPredict = Json.optInt(options, "num_predict");
        Integer maxTokens = numPredict != null && numPredict > 0 ? numPredict : null;
        boolean stream = Json.optBool(body, "stream", true);
        String auth = request.getHeaders().get("Authorization");
        boolean hasKey = auth != null && auth.startsWith("Bearer ") && auth.length() > 7;
        return new ChatCall(model.asText(), out, maxTokens, stream, false, numCtx, hasKey);
    }

    @Override
    public byte[] body(Completion c, ChatCall call) {
        ObjectNode root = base(c);
        root.putObject("message").put("role", "assistant").put("content", c.text());
        finish(root, c);
        return Json.bytes(root);
    }

    @Override
    public String streamContentType() {
        return "application/x-ndjson";
    }

    @Override
    public List<byte[]> frames(Completion c, ChatCall call) {
        List<byte[]> frames = new ArrayList<>(c.pieces().size() + 1);
        for (String piece : c.pieces()) {
            ObjectNode line = base(c);
            line.putObject("message").put("role", "assistant").put("content", piece);
            line.put("done", false);
            frames.add(line(line));
        }
        ObjectNode last = base(c);
        last.putObject("message").put("role", "assistant").put("content", "");
        finish(last, c);
        frames.add(line(last));
        return frames;
    }

    @Override
    public String frameTerminator() {
        return "\n";
    }

    @Override
    public Answer.Full error(int status, String message, Integer retryAfterSeconds) {
        return new Answer.Full(status, "application/json", Json.bytes(Json.object().put("error", message)), retryAfterSeconds);
    }

    @Override
    public Answer.Full missingApiKey() {
        return error(401, "unauthorized", null);
    }

    @Override
    public Answer.Full contextTooLong(int promptTokens, int limit) {
        return error(400, "the input length (" + promptTokens + " tokens) exceeds the context length (" + limit + " tokens)", null);
    }

    @Override
    public boolean truncatesContext() {
        return true;
    }

    @Override
    public int defaultContext(ChatCall call) {
        return DEFAULT_NUM_CTX;
    }

    private static ObjectNode base(Completion c) {
        ObjectNode root = Json.object();
        root.put("model", c.model());
        root.put("created_at", Instant.ofEpochSecond(c.createdEpochSecond()).toString());
        return root;
    }

    private static void finish(ObjectNode root, Completion c) {
        long promptNanos = c.promptTokens() * PROMPT_NANOS_PER_TOKEN;
        long evalNanos = c.completionTokens() * EVAL_NANOS_PER_TOKEN;
        root.put("done_reason", c.truncated() ? "length" : "stop");
        root.put("done", true);
        root.put("total_duration", LOAD_NANOS + promptNanos + evalNanos);
        root.put("load_duration", LOAD_NANOS);
        root.put("prompt_eval_count", c.promptTokens());
        root.put("prompt_eval_duration", promptNanos);
        root.put("eval_count", c.completionTokens());
        root.put("eval_duration", evalNanos);
    }

    private static byte[] line(ObjectNode node) {
        return (Json.string(node) + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
