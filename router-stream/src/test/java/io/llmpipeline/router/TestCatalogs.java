package io.llmpipeline.router;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.CatalogLoader;

/** The bundled demo catalog with some sections replaced, for tests. */
public final class TestCatalogs {
    private TestCatalogs() {
    }

    /** The demo catalog up to (not including) its routes section, with the given YAML appended. */
    public static Catalog demoModelsWith(String yaml) {
        String base = defaultYaml();
        return CatalogLoader.parse(base.substring(0, base.indexOf("\nroutes:")) + "\n" + yaml, "test", k -> null);
    }

    /** The demo catalog without its cache section, with the given YAML appended. */
    public static Catalog demoWith(String yaml) {
        String base = defaultYaml();
        return CatalogLoader.parse(base.substring(0, base.indexOf("\ncache:")) + "\n" + yaml, "test", k -> null);
    }

    public static final String DEMO_ROUTES = """
            routes:
              - match: ""
                candidates: [gpt-4o-mini, gpt-3.5-turbo]
              - match: summarize
                candidates: [gpt-4o-mini, gpt-4o]
              - match: reason
                candidates: [gpt-4o, gpt-4o-mini]
            """;

    static String defaultYaml() {
        try (InputStream in = CatalogLoader.class.getClassLoader().getResourceAsStream(CatalogLoader.DEFAULT_RESOURCE)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, String> none() {
        return Map.of();
    }
}
