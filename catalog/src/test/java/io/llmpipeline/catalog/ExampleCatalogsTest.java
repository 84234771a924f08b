package io.llmpipeline.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The example files in the repository must stay loadable as the catalog model evolves. */
class ExampleCatalogsTest {
    @Test
    void shouldLoadTheRealProvidersExampleWithoutAnyKeyInTheFile() throws Exception {
        Path file = Path.of("..", "examples", "pipeline-real-providers.yaml");
        Catalog catalog = CatalogLoader.load(file, Map.of("OPENAI_API_KEY", "sk-test-not-in-file")::get);
        assertThat(catalog.provider("openai").apiKeyEnv()).isEqualTo("OPENAI_API_KEY");
        assertThat(java.nio.file.Files.readString(file)).doesNotContain("sk-");
        assertThat(catalog.routeFor("reason.math").orElseThrow().candidates()).containsExactly("claude-sonnet", "gpt-4o");
        assertThat(catalog.provider("local-ollama").baseUrl()).isEqualTo("http://localhost:11434");
    }
}
