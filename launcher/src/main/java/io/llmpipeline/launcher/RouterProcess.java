package io.llmpipeline.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.CatalogWriter;
import io.llmpipeline.launcher.process.ChildJvm;

/**
 * A second router instance in its own JVM, so the router-kill bench can kill it with SIGKILL. It
 * runs with static membership under a fixed instance id, as docs/router.md advises, so a restart
 * in the same directory comes back as the same member.
 */
final class RouterProcess implements AutoCloseable {
    /** Router's state log line once the instance runs with tasks of its own. */
    private static final java.util.regex.Pattern RUNNING_WITH_TASKS = java.util.regex.Pattern.compile("-> RUNNING: [1-9][0-9]* active tasks");
    private final ChildJvm process;
    private final Path dir;

    private RouterProcess(ChildJvm process, Path dir) {
        this.process = process;
        this.dir = dir;
    }

    static RouterProcess start(Catalog catalog, String bootstrapServers, Path dir) {
        try {
            Files.createDirectories(dir);
            Path config = dir.resolve("pipeline.yaml");
            Files.writeString(config, CatalogWriter.toYaml(catalog), StandardCharsets.UTF_8);
            return new RouterProcess(ChildJvm.start("router", "io.llmpipeline.router.RouterMain", Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS", bootstrapServers,
                    "PIPELINE_CONFIG", config.toAbsolutePath().toString(),
                    "STATE_DIR", dir.resolve("state").toAbsolutePath().toString(),
                    "ROUTER_INSTANCE_ID", "bench-" + dir.getFileName()), dir, 512), dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a router process in " + dir, e);
        }
    }

    /**
     * Waits until the instance says (in its log) that it runs with at least one active task, so a
     * kill hits an instance that routes rather than one still restoring what it was just given.
     */
    void awaitRoutingTasks(Duration timeout) throws InterruptedException {
        Path log = dir.resolve("pipeline.log");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && runsTasks(log)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the second router instance did not run its tasks within " + timeout.toSeconds() + " s; see " + log);
    }

    private static boolean runsTasks(Path log) {
        try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.anyMatch(l -> RUNNING_WITH_TASKS.matcher(l).find());
        } catch (IOException | UncheckedIOException e) {
            return false; // being written; looked at again
        }
    }

    /** kill -9: no shutdown hook runs, the instance does not leave the group. */
    void kill() {
        process.kill();
    }

    @Override
    public void close() {
        process.terminate(Duration.ofSeconds(30));
    }
}
