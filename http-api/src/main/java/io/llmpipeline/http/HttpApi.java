package io.llmpipeline.http;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.http.internal.ApiMetrics;
import io.llmpipeline.http.internal.ApiParts;

/**
 * The OpenAI- and Anthropic-compatible HTTP API on Jetty 12: another producer of
 * {@code llm.requests}. Handlers run on virtual threads, and a call waiting for its result holds
 * no thread at all (its response is written when the shared results consumer sees the result),
 * so thousands of waiting calls cost memory, not threads.
 *
 * <pre>{@code
 * try (HttpApi api = HttpApi.start(catalog, "localhost:9092", HttpApiOptions.defaults().withPort(8080))) { ... }
 * }</pre>
 */
public final class HttpApi implements AutoCloseable {
    private final Server server;
    private final ServerConnector connector;
    private final ApiParts parts;
    private final ExecutorService completions = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService ownScheduler;
    private final String host;

    private HttpApi(Catalog catalog, String bootstrapServers, HttpApiOptions options) {
        this.host = options.host();
        RetryScheduler scheduler = options.callbackScheduler();
        if (scheduler == null) {
            ownScheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("llm-http-callbacks").factory());
            scheduler = RetryScheduler.of(ownScheduler);
        } else {
            ownScheduler = null;
        }
        this.parts = new ApiParts(catalog, bootstrapServers, options, scheduler, completions);
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("llm-http");
        threads.setDaemon(true);
        threads.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
        this.server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        this.connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(options.host());
        connector.setPort(options.port());
        // a synchronous call is silent while it waits for its result; the connection must outlive that
        connector.setIdleTimeout(options.resultTimeout().plusSeconds(30).toMillis());
        connector.setAcceptQueueSize(4_096);
        server.addConnector(connector);
        server.setHandler(parts.handler());
        server.setStopTimeout(5_000);
    }

    public static HttpApi start(Catalog catalog, String bootstrapServers, HttpApiOptions options) {
        HttpApi api = new HttpApi(catalog, bootstrapServers, options);
        try {
            api.server.start();
        } catch (Exception e) {
            api.close();
            throw new IllegalStateException("HTTP API could not start on " + options.host() + ":" + options.port() + ": " + e.getMessage(), e);
        }
        return api;
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** {@code http://host:port}, without a trailing slash. */
    public String baseUrl() {
        return "http://" + (host.equals("0.0.0.0") ? "127.0.0.1" : host) + ":" + port();
    }

    public ApiMetrics metrics() {
        return parts.metrics();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            System.err.println("HTTP API did not stop cleanly: " + e);
        } finally {
            parts.close();
            completions.shutdownNow();
            if (ownScheduler != null) {
                ownScheduler.shutdownNow();
            }
        }
    }
}
