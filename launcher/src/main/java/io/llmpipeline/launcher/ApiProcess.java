package io.llmpipeline.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.CatalogWriter;
import io.llmpipeline.launcher.process.ChildJvm;

/**
 * The HTTP API in its own JVM, as the container runs it, so the bench can read the CPU it alone
 * spent ({@link ProcessHandle.Info#totalCpuDuration}).
 */
final class ApiProcess implements AutoCloseable {
    private final ChildJvm process;
    private final String baseUrl;

    private ApiProcess(ChildJvm process, String baseUrl) {
        this.process = process;
        this.baseUrl = baseUrl;
    }

    static ApiProcess start(Catalog catalog, String bootstrapServers, Path dir, int heapMb) {
        try {
            Files.createDirectories(dir);
            Path config = dir.resolve("pipeline.yaml");
            Files.writeString(config, CatalogWriter.toYaml(catalog), StandardCharsets.UTF_8);
            int port;
            try (ServerSocket free = new ServerSocket(0)) {
                port = free.getLocalPort();
            }
            ChildJvm child = ChildJvm.start("http-api", "io.llmpipeline.http.HttpApiMain", Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS", bootstrapServers,
                    "PIPELINE_CONFIG", config.toAbsolutePath().toString(),
                    "HTTP_HOST", "127.0.0.1",
                    "HTTP_PORT", Integer.toString(port)), dir, heapMb);
            ApiProcess api = new ApiProcess(child, "http://127.0.0.1:" + port);
            api.awaitHealthy(Duration.ofSeconds(60));
            return api;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the HTTP API process in " + dir, e);
        }
    }

    private void awaitHealthy(Duration timeout) {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/healthz")).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        close();
        throw new IllegalStateException("the HTTP API process did not answer /healthz within " + timeout);
    }

    String baseUrl() {
        return baseUrl;
    }

    /** CPU time the API process has used so far, all threads. */
    Duration cpu() {
        return ProcessHandle.of(process.pid()).flatMap(handle -> handle.info().totalCpuDuration()).orElse(Duration.ZERO);
    }

    @Override
    public void close() {
        process.terminate(Duration.ofSeconds(20));
    }
}
