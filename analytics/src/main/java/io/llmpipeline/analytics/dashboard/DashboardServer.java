package io.llmpipeline.analytics.dashboard;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import io.llmpipeline.analytics.export.ExportBusyException;
import io.llmpipeline.analytics.export.Exporter;
import io.llmpipeline.catalog.Catalog;

/**
 * The dashboard on its own small Jetty server. With a Kafka it also watches provider health and
 * batches, and keeps the export directory current (an exporter in follow mode writing every few
 * seconds) unless another exporter already writes there.
 */
public final class DashboardServer implements AutoCloseable {
    /** The compacted topic batch jobs report on; shown when it exists. */
    public static final String BATCHES_TOPIC = "llm.batches";

    private final Server server;
    private final AtomicBoolean stopExport = new AtomicBoolean();
    private Thread exportThread;

    private DashboardServer(Catalog catalog, String bootstrapServers, Path dataDir, int port) throws Exception {
        TopicWatch health = null;
        TopicWatch batches = null;
        if (bootstrapServers != null) {
            health = new TopicWatch(bootstrapServers, catalog.topics().providerHealth());
            batches = new TopicWatch(bootstrapServers, batchesTopic(catalog));
            startExport(catalog, bootstrapServers, dataDir);
        }
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(handler(catalog, dataDir, health, batches));
        server.start();
    }

    /** The handler alone, for a server that mounts it (e.g. under {@code /dashboard}). */
    public static DashboardHandler handler(Catalog catalog, Path dataDir, String bootstrapServersOrNull) {
        return handler(catalog, dataDir,
                bootstrapServersOrNull == null ? null : new TopicWatch(bootstrapServersOrNull, catalog.topics().providerHealth()),
                bootstrapServersOrNull == null ? null : new TopicWatch(bootstrapServersOrNull, batchesTopic(catalog)));
    }

    private static DashboardHandler handler(Catalog catalog, Path dataDir, TopicWatch health, TopicWatch batches) {
        List<AutoCloseable> owned = new ArrayList<>();
        if (health != null) {
            owned.add(health);
        }
        if (batches != null) {
            owned.add(batches);
        }
        return new DashboardHandler(new DashboardData(catalog, dataDir, Clock.systemUTC(), health, batches), owned);
    }

    /** {@code llm.batches}, with the prefix the catalog's other topics carry. */
    private static String batchesTopic(Catalog catalog) {
        String results = catalog.topics().results();
        String prefix = results.endsWith(io.llmpipeline.schemas.Topics.RESULTS)
                ? results.substring(0, results.length() - io.llmpipeline.schemas.Topics.RESULTS.length()) : "";
        return prefix + BATCHES_TOPIC;
    }

    public static DashboardServer start(Catalog catalog, String bootstrapServers, Path dataDir, int port) {
        try {
            return new DashboardServer(catalog, bootstrapServers, dataDir, port);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the dashboard on port " + port + ": " + e.getMessage(), e);
        }
    }

    private void startExport(Catalog catalog, String bootstrapServers, Path dataDir) {
        Exporter exporter;
        try {
            exporter = Exporter.create(catalog, bootstrapServers, dataDir,
                    Exporter.Options.defaults().withFlushInterval(Duration.ofSeconds(3)));
        } catch (ExportBusyException e) {
            System.err.println("dashboard: " + e.getMessage() + "; showing what it writes");
            return;
        }
        exportThread = Thread.ofPlatform().name("dashboard-export").start(() -> {
            try (exporter) {
                exporter.follow(stopExport::get);
            } catch (RuntimeException e) {
                System.err.println("dashboard: the export stopped: " + e.getMessage());
            }
        });
    }

    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    public String url() {
        return "http://localhost:" + port() + "/";
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            System.err.println("dashboard: while stopping the server: " + e);
        }
        stopExport.set(true);
        if (exportThread != null) {
            try {
                exportThread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
