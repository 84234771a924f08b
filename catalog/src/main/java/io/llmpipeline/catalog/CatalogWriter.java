package io.llmpipeline.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

/**
 * Writes a catalog back as {@code pipeline.yaml}, so a catalog changed in code (name prefixes,
 * bands, guards) can be handed to another process. Keys stay names of environment variables:
 * nothing secret is ever in a catalog, so nothing secret is written.
 */
public final class CatalogWriter {
    private static final ObjectMapper YAML = JsonMapper.builder(new YAMLFactory()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
            .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private CatalogWriter() {
    }

    public static String toYaml(Catalog catalog) {
        try {
            return YAML.writeValueAsString(catalog.config());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the catalog as YAML", e);
        }
    }
}
