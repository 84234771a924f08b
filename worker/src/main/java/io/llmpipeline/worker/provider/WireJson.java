package io.llmpipeline.worker.provider;

import java.io.IOException;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** JSON reading and writing shared by the adapters. */
final class WireJson {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private WireJson() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /** Parses a body, or returns null when it is not JSON. */
    static JsonNode tryParse(byte[] body) {
        try {
            return body.length == 0 ? null : MAPPER.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    static JsonNode tryParse(String text) {
        try {
            return text.isEmpty() ? null : MAPPER.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Merges the request's passthrough object into the provider body; fields the adapter owns
     * (model, messages, stream ...) are not replaced.
     *
     * @throws PassthroughException when the passthrough is not a JSON object
     */
    static void mergePassthrough(ObjectNode body, String passthroughJson, Set<String> owned) {
        if (passthroughJson == null || passthroughJson.isBlank()) {
            return;
        }
        JsonNode extra = tryParse(passthroughJson);
        if (!(extra instanceof ObjectNode object)) {
            throw new PassthroughException("passthrough_json is not a JSON object");
        }
        object.properties().forEach(e -> {
            if (!owned.contains(e.getKey())) {
                body.set(e.getKey(), e.getValue());
            }
        });
    }

    /** An integer field found anywhere in a text that is not (or not entirely) valid JSON. */
    static int scanInt(String text, String field) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(field) + "\"\\s*:\\s*(\\d+)").matcher(text);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    static int intAt(JsonNode node, String... path) {
        JsonNode n = node;
        for (String p : path) {
            if (n == null) {
                return 0;
            }
            n = n.get(p);
        }
        return n == null || !n.canConvertToInt() ? 0 : n.asInt();
    }

    static String textAt(JsonNode node, String... path) {
        JsonNode n = node;
        for (String p : path) {
            if (n == null) {
                return null;
            }
            n = n.get(p);
        }
        return n == null || n.isNull() ? null : n.asText();
    }

    /** The request named a passthrough that cannot be merged: a fault of the request, not the provider. */
    static final class PassthroughException extends IllegalArgumentException {
        PassthroughException(String message) {
            super(message);
        }
    }
}
