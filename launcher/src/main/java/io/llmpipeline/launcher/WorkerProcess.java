package io.llmpipeline.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.time.Duration;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.CatalogWriter;
import io.llmpipeline.launcher.process.ChildJvm;

/**
 * A worker in its own JVM with its own heap limit, as it runs in production: the bench measures
 * its heap and calls in flight apart from the broker, router and simulator sharing the launcher's
 * JVM. It reads the same catalog (written to a file) and reports through {@code WORKER_STATS_FILE}.
 */
final class WorkerProcess implements AutoCloseable {
    private final ChildJvm process;
    private final Path statsFile;

    private WorkerProcess(ChildJvm process, Path statsFile) {
        this.process = process;
        this.statsFile = statsFile;
    }

    static WorkerProcess start(Catalog catalog, String bootstrapServers, Path dir, String workerId, int heapMb) {
        try {
            Files.createDirectories(dir);
            Path config = dir.resolve("pipeline.yaml");
            Files.writeString(config, CatalogWriter.toYaml(catalog), StandardCharsets.UTF_8);
            Path stats = dir.resolve("stats.txt");
            Files.deleteIfExists(stats);
            ChildJvm child = ChildJvm.start(workerId, "io.llmpipeline.worker.WorkerMain", Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS", bootstrapServers,
                    "PIPELINE_CONFIG", config.toAbsolutePath().toString(),
                    "WORKER_ID", workerId,
                    "WORKER_STATS_FILE", stats.toAbsolutePath().toString()), dir, heapMb);
            return new WorkerProcess(child, stats);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a worker process in " + dir, e);
        }
    }

    /** The latest figures the worker wrote (empty until its first report). */
    Map<String, String> figures() {
        Map<String, String> figures = new HashMap<>();
        try {
            if (Files.exists(statsFile)) {
                for (String pair : Files.readString(statsFile, StandardCharsets.UTF_8).strip().split(" ")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) {
                        figures.put(pair.substring(0, eq), pair.substring(eq + 1));
                    }
                }
            }
        } catch (IOException e) {
            // an unreadable report is an empty one
        }
        return figures;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    void kill() {
        process.kill();
    }

    @Override
    public void close() {
        // SIGTERM: the worker commits what it finished and writes its last figures
        process.terminate(Duration.ofSeconds(20));
    }
}
