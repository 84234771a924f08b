package io.llmpipeline.metrics;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * {@code GET /metrics} in the Prometheus text format, from one Micrometer registry, on the JDK's
 * own HTTP server (one scrape every few seconds needs no more; Jetty stays out of the router and
 * the worker). The registry also carries the JVM's memory, GC, thread, CPU and uptime meters.
 */
public final class PrometheusEndpoint implements AutoCloseable {
    /** Environment variable that overrides the configured port of a router or worker process. */
    public static final String PORT_VARIABLE = "METRICS_PORT";

    private final PrometheusMeterRegistry registry;
    private final HttpServer server;
    private final ExecutorService executor;
    private final JvmGcMetrics gc;

    private PrometheusEndpoint(PrometheusMeterRegistry registry, int port) throws IOException {
        this.registry = registry;
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        this.gc = new JvmGcMetrics();
        gc.bindTo(registry);
        this.server = HttpServer.create(new InetSocketAddress(port), 0);
        this.executor = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("metrics-http").unstarted(r));
        server.setExecutor(executor);
        server.createContext("/metrics", this::scrape);
        server.start();
    }

    /**
     * A new Prometheus registry whose every meter carries {@code application} (llm-router,
     * llm-worker): common tags apply only to meters registered after them, so they are set here.
     */
    public static PrometheusMeterRegistry newRegistry(String application) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("application", application);
        return registry;
    }

    /**
     * Serves {@code registry} on {@code port} (0: any free port); meters added later show too.
     */
    public static PrometheusEndpoint start(PrometheusMeterRegistry registry, int port) {
        try {
            return new PrometheusEndpoint(registry, port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve metrics on port " + port + ": " + e.getMessage(), e);
        }
    }

    /**
     * The port a process should serve on: {@code METRICS_PORT} from {@code env} when set, else the
     * configured one; null when neither is set (no endpoint).
     *
     * @throws IllegalArgumentException naming the variable when it is not a port
     */
    public static Integer port(Map<String, String> env, Integer configured) {
        String value = env.get(PORT_VARIABLE);
        if (value == null || value.isBlank()) {
            return configured;
        }
        try {
            int port = Integer.parseInt(value.strip());
            if (port < 0 || port > 65_535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PORT_VARIABLE + "='" + value + "' is not a port (0 to 65535)");
        }
    }

    private void scrape(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        gc.close();
    }
}
