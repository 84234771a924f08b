package io.llmpipeline.catalog;

/**
 * One provider endpoint.
 *
 * @param kind      wire format
 * @param baseUrl   base URL; for OPENAI it ends before {@code /chat/completions} (e.g. {@code https://api.openai.com/v1})
 * @param apiKeyEnv name of the environment variable holding the key; the key itself never appears in the file
 * @param http      connection pool and timeouts
 * @param guards    resilience guards for every model of this provider (a model may override)
 */
public record ProviderConfig(ProviderKind kind, String baseUrl, String apiKeyEnv, HttpConfig http, GuardsConfig guards) {
    public ProviderConfig {
        http = http == null ? HttpConfig.defaults() : http;
        guards = guards == null ? GuardsConfig.defaults() : guards;
    }

    /** The key from the environment, or null when none is configured or set. */
    public String apiKey() {
        return apiKeyEnv == null ? null : System.getenv(apiKeyEnv);
    }
}
