package io.llmpipeline.worker.provider;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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
 * Google Gemini {@code POST {baseUrl}/v1beta/models/{model}:generateContent} (streams:
 * {@code :streamGenerateContent?alt=sse}), key in {@code x-goog-api-key}. System messages become
 * {@code systemInstruction}; the assistant's role is {@code model}.
 */
public final class GeminiAdapter extends ProviderAdapter {
    private static final Set<String> OWNED = Set.of("contents", "systemInstruction");

    GeminiAdapter(Clock clock) {
        super(clock);
    }

    @Override
    public HttpCall request(ProviderCall call) {
        ObjectNode body = WireJson.object();
        ArrayNode contents = body.putArray("contents");
        StringBuilder system = new StringBuilder();
        for (ChatMessage m : call.messages()) {
            if (m.getRole() == Role.SYSTEM) {
                system.append(system.isEmpty() ? "" : "\n\n").append(m.getContent());
            } else {
                ObjectNode content = contents.addObject().put("role", m.getRole() == Role.ASSISTANT ? "model" : "user");
                content.putArray("parts").addObject().put("text", m.getContent());
            }
        }
        if (!system.isEmpty()) {
            body.putObject("systemInstruction").putArray("parts").addObject().put("text", system.toString());
        }
        ObjectNode generation = body.putObject("generationConfig");
        generation.put("maxOutputTokens", call.maxTokens());
        GenerationParams p = call.params();
        if (p.getTemperature() != null) {
            generation.put("temperature", p.getTemperature());
        }
        if (p.getTopP() != null) {
            generation.put("topP", p.getTopP());
        }
        if (p.getSeed() != null) {
            generation.put("seed", p.getSeed());
        }
        if (!p.getStop().isEmpty()) {
            ArrayNode stop = generation.putArray("stopSequences");
            p.getStop().forEach(stop::add);
        }
        WireJson.mergePassthrough(body, call.passthroughJson(), OWNED);
        Map<String, String> headers = new HashMap<>(jsonHeaders());
        if (call.apiKey() != null) {
            headers.put("x-goog-api-key", call.apiKey());
        }
        String model = URLEncoder.encode(call.providerModel(), StandardCharsets.UTF_8);
        String path = call.stream() ? ":streamGenerateContent?alt=sse" : ":generateContent";
        if (call.stream()) {
            headers.put("accept", "text/event-stream");
        }
        return new HttpCall(URI.create(call.baseUrl() + "/v1beta/models/" + model + path), headers, WireJson.bytes(body));
    }

    @Override
    protected AttemptOutcome answer(JsonNode body, ProviderCall call) {
        JsonNode candidate = body.path("candidates").path(0);
        if (candidate.isMissingNode()) {
            String blocked = body.path("promptFeedback").path("blockReason").asText(null);
            if (blocked != null) {
                return AttemptOutcome.Failed.of(ErrorKind.CONTENT_FILTERED, 200, "prompt blocked: " + blocked);
            }
            throw new IllegalArgumentException("no candidates");
        }
        return new Answered(text(candidate), finishReason(candidate.path("finishReason").asText(null)), usage(body));
    }

    private static String text(JsonNode candidate) {
        StringBuilder text = new StringBuilder();
        for (JsonNode part : candidate.path("content").path("parts")) {
            text.append(part.path("text").asText(""));
        }
        return text.toString();
    }

    @Override
    protected Usage usage(JsonNode body) {
        JsonNode u = body.path("usageMetadata");
        return usage(WireJson.intAt(u, "promptTokenCount"), WireJson.intAt(u, "candidatesTokenCount")
                + WireJson.intAt(u, "thoughtsTokenCount"), WireJson.intAt(u, "cachedContentTokenCount"), 0);
    }

    @Override
    protected Usage scanUsage(String text) {
        int in = WireJson.scanInt(text, "promptTokenCount");
        int out = WireJson.scanInt(text, "candidatesTokenCount");
        return in < 0 && out < 0 ? null : usage(in, out, Math.max(0, WireJson.scanInt(text, "cachedContentTokenCount")), 0);
    }

    @Override
    protected StreamAssembly readStream(String text, ProviderCall call) {
        StreamAssembly s = new StreamAssembly();
        for (String data : StreamAssembly.sseData(text)) {
            JsonNode chunk = WireJson.tryParse(data);
            if (chunk == null) {
                continue;
            }
            if (chunk.has("error")) {
                s.error(ErrorKind.PROVIDER_ERROR, errorMessage(chunk));
                continue;
            }
            JsonNode candidate = chunk.path("candidates").path(0);
            s.append(text(candidate));
            if (chunk.has("usageMetadata")) {
                Usage u = usage(chunk);
                s.input(u.getInputTokens());
                s.output(u.getOutputTokens());
                s.cached(u.getCachedInputTokens(), 0);
            }
            String reason = candidate.path("finishReason").asText(null);
            if (reason != null && !reason.isEmpty() && !reason.equals("FINISH_REASON_UNSPECIFIED")) {
                s.finishReason(finishReason(reason));
                s.markFinished();
            }
        }
        return s;
    }

    @Override
    protected String errorMessage(JsonNode body) {
        JsonNode error = body.path("error");
        String status = error.path("status").asText("");
        String message = error.path("message").asText(body.toString());
        return status.isEmpty() ? message : status + ": " + message;
    }

    @Override
    protected ErrorKind refineError(ErrorKind byStatus, int status, JsonNode body, String message) {
        ErrorKind refined = super.refineError(byStatus, status, body, message);
        if (refined == byStatus && body != null && "RESOURCE_EXHAUSTED".equals(body.path("error").path("status").asText())) {
            return ErrorKind.RATE_LIMITED;
        }
        return refined;
    }

    static String finishReason(String reason) {
        return reason == null ? null : switch (reason) {
            case "STOP" -> "stop";
            case "MAX_TOKENS" -> "length";
            case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII" -> "content_filter";
            default -> reason.toLowerCase(java.util.Locale.ROOT);
        };
    }
}
