package io.llmpipeline.sim.internal;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The one ObjectMapper of the simulator and small helpers around it. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + node.getNodeType(), e);
        }
    }

    public static String string(JsonNode node) {
        return new String(bytes(node), StandardCharsets.UTF_8);
    }

    /** Text of a string field, or of an array of text parts joined, or null. */
    public static String text(JsonNode content, String partTextField) {
        if (content == null || content.isNull() || content.isMissingNode()) {
            return null;
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            StringBuilder out = new StringBuilder();
            for (JsonNode part : content) {
                JsonNode t = part.get(partTextField);
                if (t != null && t.isTextual()) {
                    out.append(t.asText());
                }
            }
            return out.toString();
        }
        return null;
    }

    public static Integer optInt(JsonNode node, String field) throws BadRequest {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new BadRequest("'" + field + "' must be an integer, got " + v, field);
        }
        return v.asInt();
    }

    public static boolean optBool(JsonNode node, String field, boolean dflt) throws BadRequest {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw new BadRequest("'" + field + "' must be a boolean, got " + v, field);
        }
        return v.asBoolean();
    }
}
