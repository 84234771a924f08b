package io.llmpipeline.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Validation of the routes, budgets and cache sections. */
class RouterSectionsValidationTest {
    private static final String MODELS = """
            providers:
              p: {kind: openai, baseUrl: "http://localhost:1/v1"}
            models:
              small: {provider: p, tier: 1}
              big: {provider: p, tier: 4}
            """;

    private static CatalogException refused(String yaml) {
        return (CatalogException) org.assertj.core.api.Assertions.catchThrowable(() -> CatalogLoader.parse(MODELS + yaml, "t", k -> null));
    }

    @Test
    void shouldLoadTheBundledDemoCatalog() {
        Catalog catalog = CatalogLoader.loadDefault();
        assertThat(catalog.config().budgets().limits()).hasSize(2);
        assertThat(catalog.routeFor("reason.math").orElseThrow().strategy()).isEqualTo(Strategy.CAPABILITY);
    }

    @Test
    void shouldKeepIdempotencyForADayUnlessToldAndRefuseANonPositiveWindow() {
        assertThat(CatalogLoader.loadDefault().config().router().idempotencyRetentionSeconds()).isEqualTo(86_400);
        Catalog custom = CatalogLoader.parse(MODELS + """
                routes: [{match: "", candidates: [small]}]
                router: {idempotencyRetentionSeconds: 600}
                """, "t", k -> null);
        assertThat(custom.withNamePrefix("x-").config().router().idempotencyRetentionSeconds())
                .as("kept when the names are prefixed").isEqualTo(600);

        CatalogException e = refused("""
                routes: [{match: "", candidates: [small]}]
                router: {idempotencyRetentionSeconds: 0, idempotencyInFlightTimeoutSeconds: -1}
                """);
        assertThat(e.problems()).extracting(ConfigProblem::path)
                .containsExactly("router.idempotencyRetentionSeconds", "router.idempotencyInFlightTimeoutSeconds");
    }

    @Test
    void shouldRefuseABudgetKeyNamingAnUnknownProviderOrModel() {
        CatalogException e = refused("""
                routes: [{match: "", candidates: [small]}]
                budgets:
                  limits:
                    - {scope: provider, key: nope, limitUsd: 1}
                    - {scope: model, key: huge, limitUsd: 1}
                    - {scope: tenant_provider, key: acme, limitUsd: 1}
                """);
        assertThat(e.problems()).extracting(ConfigProblem::path)
                .containsExactly("budgets.limits[0].key", "budgets.limits[1].key", "budgets.limits[2].key");
        assertThat(e.getMessage()).contains("'acme' is not tenant/provider");
    }

    @Test
    void shouldRefuseACapabilityRouteNoCandidateCanServe() {
        CatalogException e = refused("""
                routes: [{match: "", candidates: [small], strategy: capability, minTier: 3}]
                """);
        assertThat(e.getMessage()).contains("routes[0].minTier").contains("no candidate reaches tier 3");
    }

    @Test
    void shouldRefuseAShadowThatIsAlreadyACandidate() {
        CatalogException e = refused("""
                routes: [{match: "", candidates: [small, big], shadow: {model: big, sampleRate: 0.1, enabled: true}}]
                """);
        assertThat(e.getMessage()).contains("routes[0].shadow.model");
    }

    @Test
    void shouldAcceptWildcardTenantProviderKeys() {
        assertThatThrownBy(() -> { throw refused("""
                routes: [{match: "", candidates: [small]}]
                budgets:
                  limits:
                    - {scope: tenant_provider, key: "acme/*", limitUsd: 1}
                    - {scope: tenant_provider, key: "*/p", limitUsd: 1}
                    - {scope: tenant, key: "acme", limitUsd: 1}
                    - {scope: provider, key: "p", limitUsd: 1.5}
                cache: {compressAboveBytes: 0}
                """); }).isInstanceOf(CatalogException.class)
                .satisfies(t -> assertThat(((CatalogException) t).problems()).extracting(ConfigProblem::path)
                        .containsExactly("cache.compressAboveBytes"));
    }
}
