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
 * Ollama {@code POST {baseUrl}/api/chat}. Ollama streams by default, so {@code stream} is always
 * sent; a stream is newline-delimited JSON. {@code num_ctx} is set to the model's context window:
 * Ollama silently truncates prompts longer than that, which the worker's truncation tripwire
 * detects from {@code prompt_eval_count}.
 */
public final class OllamaAdapter extends ProviderAdapter {
    private static final Set<String> OWNED = Set.of("model", "messages", "stream");

    OllamaAdapter(Clock clock) {
        super(clock);
    }

    @Override
    public HttpCall request(ProviderCall call) {
        ObjectNode body = WireJson.object();
        body.put("model", call.providerModel());
        ArrayNode messages = body.putArray("messages");
        for (ChatMessage m : call.messages()) {
            messages.addObject().put("role", role(m.getRole())).put("content", m.getContent());
        }
        body.put("stream", call.stream());
        ObjectNode options = body.putObject("options");
        options.put("num_ctx", call.modelConfig().contextWindow());
        options.put("num_predict", call.maxTokens());
        GenerationParams p = call.params();
        if (p.getTemperature() != null) {
            options.put("temperature", p.getTemperature());
        }
        if (p.getTopP() != null) {
            options.put("top_p", p.getTopP());
        }
        if (p.getSeed() != null) {
            options.put("seed", p.getSeed());
        }
        if (!p.getStop().isEmpty()) {
            ArrayNode stop = options.putArray("stop");
            p.getStop().forEach(stop::add);
        }
        WireJson.mergePassthrough(body, call.passthroughJson(), OWNED);
        Map<String, String> headers = new HashMap<>(jsonHeaders());
        if (call.apiKey() != null) {
            headers.put("authorization", "Bearer " + call.apiKey());
        }
        return new HttpCall(URI.create(call.baseUrl() + "/api/chat"), headers, WireJson.bytes(body));
    }

    @Override
    protected AttemptOutcome answer(JsonNode body, ProviderCall call) {
        JsonNode content = body.path("message").path("content");
        if (!content.isTextual()) {
            throw new IllegalArgumentException("message.content missing");
        }
        return new Answered(content.asText(), doneReason(body.path("done_reason").asText(null)), usage(body));
    }

    @Override
    protected Usage usage(JsonNode body) {
        return usage(WireJson.intAt(body, "prompt_eval_count"), WireJson.intAt(body, "eval_count"), 0, 0);
    }

    @Override
    protected Usage scanUsage(String text) {
        int in = WireJson.scanInt(text, "prompt_eval_count");
        int out = WireJson.scanInt(text, "eval_count");
        return in < 0 && out < 0 ? null : usage(in, out, 0, 0);
    }

    @Override
    protected StreamAssembly readStream(String text, ProviderCall call) {
        StreamAssembly s = new StreamAssembly();
        for (String line : text.split("\r?\n")) {
            JsonNode chunk = WireJson.tryParse(line.trim());
            if (chunk == null) {
                continue;
            }
            if (chunk.has("error")) {
                s.error(ErrorKind.PROVIDER_ERROR, chunk.path("error").asText());
                continue;
            }
            s.append(chunk.path("message").path("content").asText(null));
            if (chunk.path("done").asBoolean(false)) {
                s.finishReason(doneReason(chunk.path("done_reason").asText(null)));
                s.input(WireJson.intAt(chunk, "prompt_eval_count"));
                s.output(WireJson.intAt(chunk, "eval_count"));
                s.markFinished();
            }
        }
        return s;
    }

    @Override
    protected String errorMessage(JsonNode body) {
        JsonNode error = body.path("error");
        return error.isTextual() ? error.asText() : body.toString();
    }

    static String doneReason(String reason) {
        return reason == null ? "stop" : reason;
    }
}
