package io.llmpipeline.sim;

import java.util.Objects;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import io.llmpipeline.sim.internal.AdminApi;
import io.llmpipeline.sim.internal.CallHandler;
import io.llmpipeline.sim.internal.ScriptBook;
import io.llmpipeline.sim.internal.SimHandler;
import io.llmpipeline.sim.internal.StatsRecorder;

/**
 * An HTTP server that answers like LLM providers (OpenAI, Anthropic, Ollama, Gemini wire formats)
 * with deterministic text and scriptable faults per model. HTTP/1.1 and h2c on one port.
 *
 * <pre>{@code
 * try (ProviderSimulator sim = ProviderSimulator.start(0)) {
 *     sim.script("gpt-4o-mini", FaultScript.builder().failFirstN(2).errorStatus(503).build());
 *     // POST sim.baseUrl() + "/v1/chat/completions" ...
 * }
 * }</pre>
 */
public final class ProviderSimulator implements AutoCloseable {
    /** Enough for thousands of calls multiplexed on a few HTTP/2 connections. */
    static final int MAX_CONCURRENT_STREAMS = 16_384;
    static final int ACCEPT_QUEUE = 8_192;

    private final Server server;
    private final ServerConnector connector;
    private final ScriptBook scripts;
    private final StatsRecorder stats;
    private final CallHandler calls;
    private final ScheduledThreadPoolExecutor scheduler;
    private final String host;

    private ProviderSimulator(SimulatorOptions options) {
        this.host = options.host();
        this.scripts = new ScriptBook();
        options.scripts().forEach(scripts::put);
        this.stats = new StatsRecorder(options.clock());
        this.scheduler = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "provider-sim-latency");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.setRemoveOnCancelPolicy(true);
        this.calls = new CallHandler(scripts, stats, options.clock(), scheduler);

        QueuedThreadPool threads = new QueuedThreadPool(200, 8);
        threads.setName("provider-sim");
        threads.setDaemon(true);
        this.server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        HTTP2CServerConnectionFactory h2c = new HTTP2CServerConnectionFactory(http);
        h2c.setMaxConcurrentStreams(MAX_CONCURRENT_STREAMS);
        this.connector = new ServerConnector(server, new HttpConnectionFactory(http), h2c);
        connector.setHost(options.host());
        connector.setPort(options.port());
        connector.setIdleTimeout(options.idleTimeout().toMillis());
        connector.setAcceptQueueSize(ACCEPT_QUEUE);
        connector.setReuseAddress(true);
        server.addConnector(connector);
        server.setHandler(new SimHandler(calls, new AdminApi(scripts, stats)));
        server.setStopTimeout(0);
    }

    /** Starts on {@code 127.0.0.1:port}; {@code 0} picks a free port. */
    public static ProviderSimulator start(int port) {
        return start(SimulatorOptions.defaults().withPort(port));
    }

    public static ProviderSimulator start(SimulatorOptions options) {
        ProviderSimulator sim = new ProviderSimulator(Objects.requireNonNull(options, "options"));
        try {
            sim.server.start();
        } catch (Exception e) {
            sim.close();
            throw new IllegalStateException("provider-sim could not start on " + options.host() + ":" + options.port()
                    + ": " + e.getMessage(), e);
        }
        return sim;
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** {@code http://<host>:<port>}, without a trailing slash. */
    public String baseUrl() {
        String h = host.equals("0.0.0.0") ? "127.0.0.1" : host;
        return "http://" + h + ":" + port();
    }

    /** Replaces the script of {@code model} ({@code "*"} = default for models without their own) and resets its counters. */
    public void script(String model, FaultScript script) {
        scripts.put(Objects.requireNonNull(model, "model"), Objects.requireNonNull(script, "script"));
    }

    public void clearScripts() {
        scripts.clear();
    }

    public SimStats stats() {
        return stats.snapshot();
    }

    public void resetStats() {
        stats.reset();
    }

    @Override
    public void close() {
        calls.releaseHanging();
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("provider-sim did not stop cleanly: " + e.getMessage(), e);
        } finally {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
