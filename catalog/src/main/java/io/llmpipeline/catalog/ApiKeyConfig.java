package io.llmpipeline.catalog;

/**
 * One API key of the HTTP API. Only the key's SHA-256 is kept, so the file (and anyone reading
 * it) cannot call as the tenant; {@code printf %s "$KEY" | sha256sum} gives the value.
 *
 * @param name              a label for logs and metrics (the key itself is never logged)
 * @param tenant            the tenant this key calls as; must be a key of {@code tenants}
 * @param sha256            lowercase hex SHA-256 of the key's UTF-8 bytes (64 characters)
 * @param requestsPerMinute calls this key may make per minute; over it the API answers 429 with
 *                          Retry-After (default 600)
 */
public record ApiKeyConfig(String name, String tenant, String sha256, Integer requestsPerMinute) {
    public static final int DEFAULT_REQUESTS_PER_MINUTE = 600;

    public ApiKeyConfig {
        requestsPerMinute = requestsPerMinute == null ? DEFAULT_REQUESTS_PER_MINUTE : requestsPerMinute;
    }
}
