package io.llmpipeline.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TenantsSectionTest {
    private static final String BASE = """
            providers:
              sim: {kind: openai, baseUrl: "http://localhost:8089/v1"}
            models:
              small: {provider: sim}
            routes:
              - {match: "", candidates: [small]}
            """;
    private static final String HASH = "603c509de0435b3eccccd1bd69e0c130972b0bc82fc73a921e6ed6b381b0332c";

    @Test
    void shouldReadTenantsAndHashedKeysWithTheDefaultRateLimit() {
        Catalog catalog = CatalogLoader.parse(BASE + """
                tenants:
                  acme: {callbackSecretEnv: ACME_CALLBACK_SECRET}
                  globex: {}
                apiKeys:
                  - {name: acme-ci, tenant: acme, sha256: %s}
                """.formatted(HASH), "test", name -> null);

        assertThat(catalog.config().tenants()).containsOnlyKeys("acme", "globex");
        assertThat(catalog.config().tenants().get("acme").callbackSecretEnv()).isEqualTo("ACME_CALLBACK_SECRET");
        assertThat(catalog.config().apiKeys()).singleElement().satisfies(key -> {
            assertThat(key.tenant()).isEqualTo("acme");
            assertThat(key.requestsPerMinute()).isEqualTo(ApiKeyConfig.DEFAULT_REQUESTS_PER_MINUTE);
        });
        assertThat(catalog.withNamePrefix("t.").config().apiKeys()).hasSize(1);
    }

    @Test
    void shouldRefuseAPlainKeyAnUnknownTenantADuplicateAndABadLimitNamingEachPath() {
        String yaml = BASE + """
                tenants:
                  acme: {callbackSecretEnv: "s3cret value"}
                apiKeys:
                  - {name: a, tenant: acme, sha256: sk-live-plaintext}
                  - {name: b, tenant: initech, sha256: %s, requestsPerMinute: 0}
                  - {name: b, tenant: acme, sha256: %s}
                """.formatted(HASH, HASH);
        assertThatThrownBy(() -> CatalogLoader.parse(yaml, "keys.yaml", name -> null))
                .isInstanceOf(CatalogException.class)
                .satisfies(e -> assertThat(((CatalogException) e).problems()).extracting(ConfigProblem::path).containsExactlyInAnyOrder(
                        "tenants.acme.callbackSecretEnv", "apiKeys[0].sha256", "apiKeys[1].tenant", "apiKeys[1].requestsPerMinute",
                        "apiKeys[2].name", "apiKeys[2].sha256"))
                .hasMessageContaining("'initech' is not a tenant in this file; expected one of [acme]")
                .hasMessageContaining("64 lowercase hex");
    }

    @Test
    void shouldRefuseAKeyWrittenInPlainUnderAnUnknownField() {
        String yaml = BASE + """
                tenants: {acme: {}}
                apiKeys:
                  - {name: a, tenant: acme, key: sk-live-plaintext}
                """;
        assertThatThrownBy(() -> CatalogLoader.parse(yaml, "keys.yaml", name -> null))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("apiKeys[0]")
                .hasMessageContaining("unknown key 'key'")
                .hasMessageNotContaining("sk-live-plaintext");
    }
}
