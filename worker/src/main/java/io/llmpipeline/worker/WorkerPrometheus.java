package io.llmpipeline.worker;

import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.metrics.PrometheusEndpoint;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The worker's Prometheus endpoint ({@code metrics.workerPort}, or {@code METRICS_PORT}): the
 * worker's own meters ({@code llm_worker_*}: calls and failures per provider and model, call
 * latency, breaker state, rate-limit waits, requests and calls in flight) and the JVM's.
 */
public final class WorkerPrometheus implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerPrometheus.class);
    private final PrometheusMeterRegistry registry;
    private final PrometheusEndpoint endpoint;

    private WorkerPrometheus(PrometheusMeterRegistry registry, PrometheusEndpoint endpoint) {
        this.registry = registry;
        this.endpoint = endpoint;
    }

    /** Serves the worker's meters when a port is configured; otherwise the worker keeps its default registry. */
    public static WorkerPrometheus start(Catalog catalog, Map<String, String> env) {
        Integer port = PrometheusEndpoint.port(env, catalog.config().metrics().workerPort());
        if (port == null) {
            return new WorkerPrometheus(null, null);
        }
        PrometheusMeterRegistry registry = PrometheusEndpoint.newRegistry("llm-worker");
        PrometheusEndpoint endpoint = PrometheusEndpoint.start(registry, port);
        LOG.info("worker metrics on http://localhost:{}/metrics", endpoint.port());
        return new WorkerPrometheus(registry, endpoint);
    }

    /** Worker options recording into the served registry. */
    public Worker.Options options() {
        return registry == null ? Worker.Options.defaults() : Worker.Options.defaults().withRegistry(registry);
    }

    /** The port served, or -1 when none. */
    public int port() {
        return endpoint == null ? -1 : endpoint.port();
    }

    @Override
    public void close() {
        if (endpoint != null) {
            endpoint.close();
        }
    }
}
