package io.llmpipeline.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** The analytics and metrics sections: label keys, label selection, Prometheus ports. */
class AnalyticsSectionTest {
    private static final String MODELS = """
            providers:
              p: {kind: openai, baseUrl: "http://localhost:1/v1"}
            models:
              small: {provider: p}
            routes: [{match: "", candidates: [small]}]
            """;

    @Test
    void shouldCopyOnlyTheConfiguredMetadataKeysAsLabels() {
        Catalog catalog = CatalogLoader.parse(MODELS + """
                analytics: {labelKeys: [team, batch_id], maxLabelChars: 5}
                """, "t", k -> null);
        Map<String, String> labels = CostLabels.select(catalog,
                Map.of("team", "search", "batch_id", "batch-000042", "user_email", "a@b.c", "router.idempotency_key", "k"));
        assertThat(labels).containsExactly(Map.entry("batch_id", "batch"), Map.entry("team", "searc"));
        assertThat(CostLabels.select(catalog.withNamePrefix("x-"), Map.of("team", "ml")))
                .as("kept when names are prefixed").containsEntry("team", "ml");
    }

    @Test
    void shouldHaveNoLabelsAndNoEndpointsUnlessConfigured() {
        Catalog catalog = CatalogLoader.parse(MODELS, "t", k -> null);
        assertThat(CostLabels.select(catalog, Map.of("team", "search"))).isEmpty();
        assertThat(catalog.config().metrics().routerPort()).isNull();
        assertThat(CatalogLoader.loadDefault().config().analytics().labelKeys()).contains("team", "batch_id");
    }

    @Test
    void shouldRefuseBadLabelKeysAndPortsNamingThePath() {
        CatalogException e = catchThrowableOfType(CatalogException.class, () -> CatalogLoader.parse(MODELS + """
                analytics: {labelKeys: [team, "has space", team], maxLabelChars: 0}
                metrics: {routerPort: 70000, workerPort: -1}
                """, "t", k -> null));
        assertThat(e.problems()).extracting(ConfigProblem::path).containsExactly(
                "analytics.labelKeys[1]", "analytics.labelKeys[2]", "analytics.maxLabelChars",
                "metrics.routerPort", "metrics.workerPort");
        assertThat(e.getMessage()).contains("'team' is listed twice");
    }
}
