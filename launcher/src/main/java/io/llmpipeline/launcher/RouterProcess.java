package io.llmpipeline.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.CatalogWriter;

/** A second router instance in its own JVM, so the router-kill bench can kill it with SIGKILL. */
final class RouterProcess implements AutoCloseable {
    private final Process process;

    private RouterProcess(Process process) {
        this.process = process;
    }

    static RouterProcess start(Catalog catalog, String bootstrapServers, Path dir) {
        try {
            Files.createDirectories(dir);
            Path config = dir.resolve("pipeline.yaml");
            Files.writeString(config, CatalogWriter.toYaml(catalog), StandardCharsets.UTF_8);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:+UseParallelGC",
                    "--enable-native-access=ALL-UNNAMED", "-Dllm.log.dir=" + dir.toAbsolutePath()));
            if (Runtime.version().feature() >= 24) {
                command.add("--sun-misc-unsafe-memory-access=allow");
            }
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.llmpipeline.router.RouterMain"));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("console.log").toFile());
            Map<String, String> env = builder.environment();
            env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
            env.put("PIPELINE_CONFIG", config.toAbsolutePath().toString());
            env.put("STATE_DIR", dir.resolve("state").toAbsolutePath().toString());
            return new RouterProcess(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a router process in " + dir, e);
        }
    }

    /** kill -9: no shutdown hook runs, the instance does not leave the group. */
    void kill() {
        process.destroyForcibly();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
