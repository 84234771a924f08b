package io.llmpipeline.worker;

import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.CatalogLoader;

/**
 * Runs one worker until the process is stopped. Environment: {@code KAFKA_BOOTSTRAP_SERVERS}
 * (default localhost:9092), {@code PIPELINE_CONFIG} (a pipeline.yaml path; default the bundled
 * demo catalog), {@code WORKER_ID} (default a random id; keep it stable across restarts so a
 * restarted worker fences its predecessor's open transaction at once), {@code WORKER_STATS_FILE}
 * (optional: a file the worker's figures are written to twice a second, for a parent process),
 * {@code METRICS_PORT} (optional: serve Prometheus metrics on this port; else {@code metrics.workerPort}).
 *
 * <p>On SIGTERM (or any JVM shutdown) the worker drains and closes in a shutdown hook. When the
 * worker stops on its own, the process exits with {@value #EXIT_WORKER_STOPPED}, so that a
 * supervisor (systemd, Kubernetes) sees it and starts it again.
 */
public final class WorkerMain {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerMain.class);
    /** The exit status of a process whose worker stopped without being asked to. */
    public static final int EXIT_WORKER_STOPPED = 1;

    private WorkerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        String bootstrap = env("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");
        String configPath = System.getenv("PIPELINE_CONFIG");
        String workerId = env("WORKER_ID", "worker-" + UUID.randomUUID().toString().substring(0, 8));
        Catalog catalog = configPath == null || configPath.isBlank() ? CatalogLoader.loadDefault()
                : CatalogLoader.load(Path.of(configPath));
        String prefix = System.getenv("PIPELINE_NAME_PREFIX");
        if (prefix != null && !prefix.isBlank()) {
            catalog = catalog.withNamePrefix(prefix);
        }
        WorkerPrometheus prometheus = WorkerPrometheus.start(catalog, System.getenv());
        Worker worker = Worker.start(catalog, bootstrap, workerId, prometheus.options());
        String statsPath = System.getenv("WORKER_STATS_FILE");
        WorkerStatsFile statsFile = statsPath == null || statsPath.isBlank() ? null
                : WorkerStatsFile.start(Path.of(statsPath), worker::stats);
        AtomicBoolean shuttingDown = new AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            shuttingDown.set(true); // before close(): the main thread must not take the loop's end for a failure
            worker.close();
            prometheus.close();
            if (statsFile != null) {
                statsFile.close();
            }
        }, "worker-shutdown"));
        LOG.info("worker {} running against {}", workerId, bootstrap);
        worker.awaitStopped();
        if (shuttingDown.get()) {
            return; // the hook drains and closes; the JVM exits when it is done
        }
        LOG.error("worker {} stopped on its own (why is logged above); exiting with status {} so that a supervisor starts it again",
                workerId, EXIT_WORKER_STOPPED);
        // runs the hook, which closes what is left and waits for nothing on this thread: no deadlock
        System.exit(EXIT_WORKER_STOPPED);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
