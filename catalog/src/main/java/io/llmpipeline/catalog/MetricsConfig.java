package io.llmpipeline.catalog;

/**
 * Prometheus endpoints ({@code GET /metrics} in the text exposition format). Unset means no
 * endpoint; 0 means any free port (logged at start). The environment variable
 * {@code METRICS_PORT} of a router or worker process overrides its setting.
 *
 * @param routerPort port of the router's endpoint (default none)
 * @param workerPort port of the worker's endpoint (default none)
 */
public record MetricsConfig(Integer routerPort, Integer workerPort) {
    public static MetricsConfig defaults() {
        return new MetricsConfig(null, null);
    }
}
