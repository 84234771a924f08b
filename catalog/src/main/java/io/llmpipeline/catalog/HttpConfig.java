package io.llmpipeline.catalog;

/**
 * HTTP client settings for one provider.
 *
 * @param maxConnections      connections kept open to the provider's host
 * @param connectTimeoutMs    TCP connect timeout
 * @param responseTimeoutMs   upper bound on one call; the request deadline may cut it shorter
 * @param http2               negotiate HTTP/2 where the provider offers it
 */
public record HttpConfig(Integer maxConnections, Integer connectTimeoutMs, Integer responseTimeoutMs, Boolean http2) {
    public HttpConfig {
        maxConnections = maxConnections == null ? 1024 : maxConnections;
        connectTimeoutMs = connectTimeoutMs == null ? 5_000 : connectTimeoutMs;
        responseTimeoutMs = responseTimeoutMs == null ? 120_000 : responseTimeoutMs;
        http2 = http2 == null ? Boolean.FALSE : http2;
    }

    public static HttpConfig defaults() {
        return new HttpConfig(null, null, null, null);
    }
}
