package io.llmpipeline.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GuardsConfigTest {

    private static final String BASE = """
            providers:
              p:
                kind: openai
                baseUrl: http://localhost:1/v1
                guards: {requestsPerMinute: 600, cooldownMs: 10000, failureRateThreshold: 40}
            models:
              m:
                provider: p
                guards: %s
            routes:
              - match: ""
                candidates: [m]
            """;

    @Test
    void shouldResolveAModelsGuardsOverItsProvidersAndTheDefaults() {
        Catalog catalog = CatalogLoader.parse(BASE.formatted("{cooldownMs: 2000}"), "test", name -> null);
        ProviderConfig provider = catalog.provider("p");
        GuardsConfig resolved = catalog.requireModel("m").guards().resolvedOver(provider.guards());

        assertThat(resolved.cooldownMs()).isEqualTo(2_000);
        assertThat(resolved.failureRateThreshold()).isEqualTo(40);
        assertThat(resolved.requestsPerMinute()).isEqualTo(600);
        assertThat(resolved.maxAttempts()).isEqualTo(GuardsConfig.DEFAULT_MAX_ATTEMPTS);
        assertThat(resolved.waitInOpenMs()).isEqualTo(GuardsConfig.DEFAULT_WAIT_IN_OPEN_MS);
        assertThat(resolved.maxConcurrentCalls()).isNull();
    }

    @Test
    void shouldRefuseBreakerSettingsOutOfRangeNamingEachPath() {
        assertThatThrownBy(() -> CatalogLoader.parse(BASE.formatted(
                "{failureRateThreshold: 0, minimumCalls: 50, slidingWindow: 10, retryJitter: 2.0, retryMultiplier: 0.5}"),
                "test", name -> null))
                .isInstanceOf(CatalogException.class)
                .satisfies(e -> assertThat(((CatalogException) e).problems()).extracting(ConfigProblem::path)
                        .contains("models.m.guards.failureRateThreshold", "models.m.guards.minimumCalls",
                                "models.m.guards.retryJitter", "models.m.guards.retryMultiplier"));
    }

    @Test
    void shouldLoadTheBundledCatalogWithAllFourProviderKinds() {
        Catalog catalog = CatalogLoader.loadDefault();
        assertThat(catalog.config().providers().values()).extracting(ProviderConfig::kind)
                .contains(ProviderKind.OPENAI, ProviderKind.ANTHROPIC, ProviderKind.OLLAMA, ProviderKind.GEMINI);
    }
}
