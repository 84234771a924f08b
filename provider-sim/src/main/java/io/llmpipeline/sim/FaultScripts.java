package io.llmpipeline.sim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * Reads fault scripts from YAML or JSON: a map from model name ({@code "*"} = default) to a
 * {@link FaultScript}, for example
 *
 * <pre>
 * "*":         {latencyMs: 200, jitterMs: 50}
 * gpt-4o-mini: {failFirstN: 2, errorStatus: 503, retryAfterSeconds: 1}
 * llama3.2:    {contextLimit: 2048}
 * </pre>
 */
public final class FaultScripts {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final TypeReference<LinkedHashMap<String, FaultScript>> MAP = new TypeReference<>() { };

    private FaultScripts() {
    }

    /** @throws IllegalArgumentException naming the file, the model and the field when the content is invalid */
    public static Map<String, FaultScript> load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read fault scripts " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /** @param source where the text came from, for error messages */
    public static Map<String, FaultScript> parse(String text, String source) {
        try {
            Map<String, FaultScript> scripts = YAML.readValue(text, MAP);
            return scripts == null ? Map.of() : Collections.unmodifiableMap(scripts);
        } catch (JsonMappingException e) {
            throw new IllegalArgumentException("invalid fault scripts in " + source + " at " + path(e) + ": " + rootMessage(e), e);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("fault scripts in " + source + " are not valid YAML/JSON: " + e.getOriginalMessage(), e);
        }
    }

    static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (!path.isEmpty()) {
                path.append('.');
            }
            path.append(ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]");
        }
        return path.isEmpty() ? "(root)" : path.toString();
    }

    static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause instanceof JsonProcessingException json ? json.getOriginalMessage() : cause.getMessage();
    }
}
