package io.llmpipeline.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.llmpipeline.schemas.Priority;

class CatalogLoaderTest {
    private static final String VALID = """
            providers:
              sim: {kind: openai, baseUrl: "${SIM_URL:-http://localhost:8089}/v1"}
            models:
              small: {provider: sim, contextWindow: 8000, maxOutputTokens: 1000, price: {inputPerMTok: 0.5, outputPerMTok: 1.5}, tokenizer: cl100k_base}
              big: {provider: sim, contextWindow: 128000, maxOutputTokens: 4000, tier: 4}
            routes:
              - {match: "", candidates: [small]}
              - {match: "summarize", candidates: [big, small]}
              - {match: "summarize.email", candidates: [small]}
            """;

    @Test
    void shouldLoadTheBundledDemoCatalog() {
        Catalog catalog = CatalogLoader.loadDefault();
        assertThat(catalog.config().models()).isNotEmpty();
        assertThat(catalog.routeFor("anything.at.all")).isPresent();
        assertThat(catalog.bands().totalPartitions()).isEqualTo(
                catalog.topics().bands().values().stream().mapToInt(Integer::intValue).sum());
    }

    @Test
    void shouldPickTheLongestMatchingRoute() {
        Catalog catalog = CatalogLoader.parse(VALID, "test", name -> null);
        assertThat(catalog.routeFor("summarize.email.long").orElseThrow().match()).isEqualTo("summarize.email");
        assertThat(catalog.routeFor("summarize.doc").orElseThrow().match()).isEqualTo("summarize");
        assertThat(catalog.routeFor("translate").orElseThrow().match()).isEmpty();
    }

    @Test
    void shouldSubstituteEnvironmentVariablesWithDefaults() {
        Catalog withDefault = CatalogLoader.parse(VALID, "test", name -> null);
        Catalog withEnv = CatalogLoader.parse(VALID, "test", Map.of("SIM_URL", "http://sim:9000")::get);
        assertThat(withDefault.provider("sim").baseUrl()).isEqualTo("http://localhost:8089/v1");
        assertThat(withEnv.provider("sim").baseUrl()).isEqualTo("http://sim:9000/v1");
    }

    @Test
    void shouldRefuseAnUnknownModelInARouteNamingItsPathAndTheValidChoices() {
        String yaml = VALID.replace("candidates: [big, small]", "candidates: [big, huge]");
        assertThatThrownBy(() -> CatalogLoader.parse(yaml, "bad.yaml", name -> null))
                .isInstanceOf(CatalogException.class)
                .satisfies(e -> assertThat(((CatalogException) e).problems())
                        .extracting(ConfigProblem::path).containsExactly("routes[1].candidates[1]"))
                .hasMessageContaining("'huge' is not a model in this file; expected one of [big, small]")
                .hasMessageContaining("bad.yaml");
    }

    @Test
    void shouldRefuseAnUnknownKeyListingTheValidOnes() {
        String yaml = VALID.replace("contextWindow: 8000", "contextWindw: 8000");
        assertThatThrownBy(() -> CatalogLoader.parse(yaml, "bad.yaml", name -> null))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("models.small")
                .hasMessageContaining("unknown key 'contextWindw'")
                .hasMessageContaining("contextWindow");
    }

    @Test
    void shouldRefuseAnInvalidEnumValueSayingWhatIsValid() {
        String yaml = VALID.replace("tokenizer: cl100k_base", "tokenizer: p50k");
        assertThatThrownBy(() -> CatalogLoader.parse(yaml, "bad.yaml", name -> null))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("models.small.tokenizer")
                .hasMessageContaining("'p50k' is not valid")
                .hasMessageContaining("cl100k_base, o200k_base, estimate");
    }

    @Test
    void shouldCollectEveryRangeProblemWithItsPath() {
        String yaml = VALID.replace("contextWindow: 8000, maxOutputTokens: 1000", "contextWindow: 800, maxOutputTokens: 1000")
                + "topics: {bands: {CRITICAL: 0, HIGH: 1, NORMAL: 1, LOW: 1, BULK: 1}}\n";
        assertThatThrownBy(() -> CatalogLoader.parse(yaml, "bad.yaml", name -> null))
                .isInstanceOf(CatalogException.class)
                .satisfies(e -> assertThat(((CatalogException) e).problems()).extracting(ConfigProblem::path)
                        .contains("models.small.maxOutputTokens", "topics.bands.CRITICAL"));
    }

    @Test
    void shouldRefuseAFileWithoutADefaultRoute() {
        String yaml = VALID.replace("- {match: \"\", candidates: [small]}", "- {match: \"chat\", candidates: [small]}");
        assertThatThrownBy(() -> CatalogLoader.parse(yaml, "bad.yaml", name -> null))
                .hasMessageContaining("routes: no default route");
    }

    @Test
    void shouldRefuseAMissingEnvironmentVariableWithoutDefault() {
        String yaml = VALID.replace("${SIM_URL:-http://localhost:8089}", "${SIM_URL}");
        assertThatThrownBy(() -> CatalogLoader.parse(yaml, "bad.yaml", name -> null))
                .hasMessageContaining("environment variable SIM_URL is not set");
    }

    @Test
    void shouldGiveEachPriorityItsOwnBand() {
        Catalog catalog = CatalogLoader.parse(VALID, "test", name -> null);
        PriorityBands bands = catalog.bands();
        for (Priority priority : Priority.values()) {
            for (int i = 0; i < 50; i++) {
                assertThat(bands.priorityOf(bands.partitionFor(priority, "key-" + i))).isEqualTo(priority);
            }
        }
    }
}
