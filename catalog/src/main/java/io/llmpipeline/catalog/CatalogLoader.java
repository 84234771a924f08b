package io.llmpipeline.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * Reads {@code pipeline.yaml} into a validated {@link Catalog}, or refuses it with a
 * {@link CatalogException} listing each bad value's path and what would be valid.
 */
public final class CatalogLoader {
    /** The demo configuration on the class path: every model served by the local simulator. */
    public static final String DEFAULT_RESOURCE = "pipeline-default.yaml";

    private static final ObjectMapper YAML = JsonMapper.builder(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .build();

    private CatalogLoader() {
    }

    public static Catalog load(Path file) {
        return load(file, System::getenv);
    }

    public static Catalog load(Path file, Function<String, String> env) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString(), env);
        } catch (IOException e) {
            throw new CatalogException(file.toString(), List.of(new ConfigProblem("", "cannot read file: " + e)));
        }
    }

    /** Environment variable naming the pipeline.yaml of a service; unset or blank means the bundled demo catalog. */
    public static final String CONFIG_VARIABLE = "PIPELINE_CONFIG";

    /** The catalog a service started from the environment uses (docker-compose, the *Main classes). */
    public static Catalog fromEnvironment() {
        String path = System.getenv(CONFIG_VARIABLE);
        return path == null || path.isBlank() ? loadDefault() : load(Path.of(path));
    }

    /** The bundled demo catalog. */
    public static Catalog loadDefault() {
        return loadResource(DEFAULT_RESOURCE);
    }

    public static Catalog loadResource(String resource) {
        return loadResource(resource, System::getenv);
    }

    /** A class-path catalog with {@code ${NAME}} taken from {@code env} (the launcher points the simulator's URL). */
    public static Catalog loadResource(String resource, Function<String, String> env) {
        try (InputStream in = Objects.requireNonNull(CatalogLoader.class.getClassLoader().getResourceAsStream(resource),
                () -> resource + " is not on the class path")) {
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "classpath:" + resource, env);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Catalog parse(String yaml, String source, Function<String, String> env) {
        List<ConfigProblem> problems = new ArrayList<>();
        String text = EnvSubstitution.apply(yaml, env, problems);
        if (!problems.isEmpty()) {
            throw new CatalogException(source, problems);
        }
        PipelineConfig config;
        try {
            config = YAML.readValue(text, PipelineConfig.class);
        } catch (JacksonException e) {
            throw new CatalogException(source, List.of(describe(e)));
        }
        if (config == null) {
            config = new PipelineConfig(null, null, null, null, null, null, null, null);
        }
        problems.addAll(CatalogValidator.validate(config));
        if (!problems.isEmpty()) {
            throw new CatalogException(source, problems);
        }
        return new Catalog(config);
    }

    private static ConfigProblem describe(JacksonException e) {
        String path = e instanceof JsonMappingException mapping ? path(mapping.getPath()) : "";
        String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
        if (e instanceof UnrecognizedPropertyException unknown) {
            String known = unknown.getKnownPropertyIds() == null ? "" : unknown.getKnownPropertyIds().stream()
                    .map(String::valueOf).sorted().collect(Collectors.joining(", "));
            return new ConfigProblem(path, "unknown key '" + unknown.getPropertyName() + "'" + where
                    + "; valid keys here: " + known);
        }
        if (e instanceof InvalidFormatException format && format.getTargetType() != null) {
            Class<?> target = format.getTargetType();
            String valid = target.isEnum()
                    ? "one of " + Arrays.stream(target.getEnumConstants()).map(c -> ((Enum<?>) c).name().toLowerCase())
                    .collect(Collectors.joining(", "))
                    : "a " + target.getSimpleName();
            return new ConfigProblem(path, "'" + format.getValue() + "' is not valid" + where + "; expected " + valid);
        }
        return new ConfigProblem(path, e.getOriginalMessage() + where);
    }

    private static String path(List<JsonMappingException.Reference> references) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference ref : references) {
            if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            } else if (ref.getFieldName() != null) {
                if (!out.isEmpty()) {
                    out.append('.');
                }
                out.append(ref.getFieldName());
            }
        }
        return out.toString();
    }
}
