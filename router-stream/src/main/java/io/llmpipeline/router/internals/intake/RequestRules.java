package io.llmpipeline.router.internals.intake;

import java.util.Optional;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.llmpipeline.schemas.ChatMessage;
import io.llmpipeline.schemas.GenerationParams;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.Role;

/** The checks a request must pass before the router spends anything on it. Pure, so it is tested directly. */
public final class RequestRules {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Idempotency keys are kept for a day per tenant; a bound keeps a careless caller from filling the store. */
    static final int MAX_IDEMPOTENCY_KEY_CHARS = 256;

    private RequestRules() {
    }

    /** The first problem found, or empty when the request is well-formed. */
    public static Optional<Rejection> check(LlmRequest request, long nowMs) {
        if (blank(request.getRequestId())) {
            return reject("request_id is blank");
        }
        if (blank(request.getTenantId())) {
            return reject("tenant_id is blank");
        }
        if (request.getTaskType() == null) {
            return reject("task_type is missing");
        }
        if (request.getMessages() == null || request.getMessages().isEmpty()) {
            return reject("messages is empty; at least one message with role USER is needed");
        }
        boolean user = false;
        for (int i = 0; i < request.getMessages().size(); i++) {
            ChatMessage message = request.getMessages().get(i);
            if (message.getRole() == Role.USER) {
                user = true;
            }
            if (message.getContent() == null || message.getContent().isBlank() && message.getRole() != Role.ASSISTANT) {
                return reject("messages[" + i + "] (" + message.getRole() + ") has empty content");
            }
            if (message.getRole() == Role.TOOL && blank(message.getToolCallId())) {
                return reject("messages[" + i + "] has role TOOL but no tool_call_id");
            }
        }
        if (!user) {
            return reject("messages has no message with role USER");
        }
        GenerationParams params = request.getParams();
        if (params != null) {
            if (params.getMaxTokens() != null && params.getMaxTokens() <= 0) {
                return reject("params.max_tokens is " + params.getMaxTokens() + "; it must be positive when set");
            }
            Double t = params.getTemperature();
            if (t != null && (t.isNaN() || t < 0 || t > 2)) {
                return reject("params.temperature is " + t + "; it must be between 0 and 2");
            }
            Double p = params.getTopP();
            if (p != null && (p.isNaN() || p < 0 || p > 1)) {
                return reject("params.top_p is " + p + "; it must be between 0 and 1");
            }
        }
        if (request.getCacheTtlSeconds() != null && request.getCacheTtlSeconds() <= 0) {
            return reject("cache_ttl_seconds is " + request.getCacheTtlSeconds() + "; it must be positive when set");
        }
        String idempotencyKey = request.getIdempotencyKey();
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > MAX_IDEMPOTENCY_KEY_CHARS)) {
            return reject("idempotency_key must be 1 to " + MAX_IDEMPOTENCY_KEY_CHARS + " non-blank characters when set (got "
                    + idempotencyKey.length() + " characters" + (idempotencyKey.isBlank() ? ", all blank" : "") + ")");
        }
        if (request.getPassthroughJson() != null) {
            Optional<Rejection> json = checkPassthrough(request.getPassthroughJson());
            if (json.isPresent()) {
                return json;
            }
        }
        Long deadline = request.getDeadlineEpochMs();
        if (deadline != null && deadline <= nowMs) {
            return Optional.of(new Rejection(io.llmpipeline.schemas.ErrorKind.DEADLINE_EXCEEDED,
                    "deadline " + deadline + " passed " + (nowMs - deadline) + " ms before the router saw the request"));
        }
        return Optional.empty();
    }

    private static Optional<Rejection> checkPassthrough(String passthrough) {
        try {
            JsonNode node = JSON.readTree(passthrough);
            if (node == null || !node.isObject()) {
                return reject("passthrough_json must be a JSON object, got " + (node == null ? "nothing" : node.getNodeType()));
            }
            return Optional.empty();
        } catch (JacksonException e) {
            return reject("passthrough_json is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static Optional<Rejection> reject(String message) {
        return Optional.of(Rejection.invalid(message));
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
