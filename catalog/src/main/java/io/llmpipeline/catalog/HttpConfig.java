package io.llmpipeline.catalog;

/**
 * HTTP client settings for one provider.
 *
 * @param maxConnections      HTTP/1.1 connections kept open to the provider's host: one per call in flight (default 1024)
 * @param connectTimeoutMs    TCP connect timeout (default 5000)
 * @param responseTimeoutMs   upper bound on one call; the request deadline may cut it shorter (default 120000)
 * @param http2               HTTP/2: negotiated by ALPN over https, spoken directly (h2c) over http, every call
 *                            a stream on one connection; far cheaper than thousands of HTTP/1.1 connections
 *                            (default false, since not every server speaks h2c)
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
