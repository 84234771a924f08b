package io.llmpipeline.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

class CatalogWriterTest {
    @Test
    void shouldRoundTripAChangedCatalogThroughYaml() throws Exception {
        Catalog original = CatalogLoader.load(Path.of("..", "examples", "pipeline-real-providers.yaml"), name -> null)
                .withNamePrefix("run-7.")
                .withBands(PriorityBands.spread(17));

        String yaml = CatalogWriter.toYaml(original);
        Catalog reloaded = CatalogLoader.parse(yaml, "written", name -> null);

        assertThat(reloaded.config()).isEqualTo(original.config());
        assertThat(reloaded.topics().requests()).isEqualTo("run-7.llm.requests");
        assertThat(reloaded.bands().totalPartitions()).isEqualTo(17);
    }

    @Test
    void shouldWriteTheNameOfTheKeyVariableNeverItsValue() {
        Catalog catalog = CatalogLoader.load(Path.of("..", "examples", "pipeline-real-providers.yaml"),
                Map.of("OPENAI_API_KEY", "sk-live-secret")::get);
        String yaml = CatalogWriter.toYaml(catalog);
        assertThat(yaml).contains("OPENAI_API_KEY").doesNotContain("sk-live-secret");
        assertThat(Files.exists(Path.of("..", "examples"))).isTrue();
    }
}
