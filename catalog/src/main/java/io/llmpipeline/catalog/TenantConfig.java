package io.llmpipeline.catalog;

/**
 * A tenant of the HTTP API: who pays, and whose results only its own keys may read. The tenant's
 * name is the {@code tenant_id} of its requests, so budgets keyed by tenant apply to it.
 *
 * @param callbackSecretEnv environment variable holding the secret that signs this tenant's
 *                          callbacks (HMAC-SHA256 of the body); without one, a request asking for a
 *                          callback is refused. The secret itself never appears in the file.
 */
public record TenantConfig(String callbackSecretEnv) {
    public static TenantConfig defaults() {
        return new TenantConfig(null);
    }
}
