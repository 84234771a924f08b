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
    private final ChildJvm process;

    private RouterProcess(ChildJvm process) {
        this.process = process;
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
                    "ROUTER_INSTANCE_ID", "bench-" + dir.getFileName()), dir, 512));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a router process in " + dir, e);
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
