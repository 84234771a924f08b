package io.llmpipeline.http.internal;

import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The API's one JSON mapper and the small readers every format shares. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    static ObjectNode parseObject(String body) {
        JsonNode node;
        try {
            node = body.isBlank() ? null : MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiError.invalid(null, "the body is not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw ApiError.invalid(null, "the body must be a JSON object");
        }
        return (ObjectNode) node;
    }

    static String requiredText(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw ApiError.invalid(field, "'" + field + "' is required and must be a non-empty string");
        }
        return value.asText();
    }

    static Integer optionalInt(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber()) {
            throw ApiError.invalid(field, "'" + field + "' must be an integer, got " + value);
        }
        return value.intValue();
    }

    static Double optionalNumber(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            throw ApiError.invalid(field, "'" + field + "' must be a number, got " + value);
        }
        return value.doubleValue();
    }

    static boolean flag(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw ApiError.invalid(field, "'" + field + "' must be true or false, got " + value);
        }
        return value.booleanValue();
    }

    /** A JSON object of strings (OpenAI {@code metadata}) as a map; anything else is refused. */
    static void putStrings(JsonNode node, String field, Map<String, String> into) {
        if (node == null || node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            throw ApiError.invalid(field, "'" + field + "' must be an object of strings");
        }
        node.properties().forEach(e -> {
            if (!e.getValue().isTextual()) {
                throw ApiError.invalid(field, "'" + field + "." + e.getKey() + "' must be a string");
            }
            into.put(e.getKey(), e.getValue().asText());
        });
    }
}
