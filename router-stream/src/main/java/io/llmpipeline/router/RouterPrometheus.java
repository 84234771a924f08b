package io.llmpipeline.router;

import java.util.Map;

import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.metrics.PrometheusEndpoint;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The router's Prometheus endpoint ({@code metrics.routerPort}, or {@code METRICS_PORT}): Kafka
 * Streams' own metrics through Micrometer's binder ({@code kafka_stream_*}: records processed,
 * commit and poll latency, lag, state stores), whether the router runs, and the JVM's meters.
 */
public final class RouterPrometheus implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RouterPrometheus.class);
    private final PrometheusEndpoint endpoint;
    private final KafkaStreamsMetrics streamsMetrics;

    private RouterPrometheus(PrometheusEndpoint endpoint, KafkaStreamsMetrics streamsMetrics) {
        this.endpoint = endpoint;
        this.streamsMetrics = streamsMetrics;
    }

    /** Serves the router's meters when a port is configured; does nothing otherwise. */
    public static RouterPrometheus start(KafkaStreams streams, Catalog catalog, Map<String, String> env) {
        Integer port = PrometheusEndpoint.port(env, catalog.config().metrics().routerPort());
        if (port == null) {
            return new RouterPrometheus(null, null);
        }
        PrometheusMeterRegistry registry = PrometheusEndpoint.newRegistry("llm-router");
        KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        Gauge.builder("llm.router.running", streams, s -> s.state() == KafkaStreams.State.RUNNING ? 1 : 0)
                .description("1 while the router's Kafka Streams instance is RUNNING, 0 while it rebalances, starts or has stopped")
                .register(registry);
        PrometheusEndpoint endpoint = PrometheusEndpoint.start(registry, port);
        LOG.info("router metrics on http://localhost:{}/metrics", endpoint.port());
        return new RouterPrometheus(endpoint, streamsMetrics);
    }

    /** The port served, or -1 when none. */
    public int port() {
        return endpoint == null ? -1 : endpoint.port();
    }

    @Override
    public void close() {
        if (endpoint != null) {
            endpoint.close();
            streamsMetrics.close();
        }
    }
}
