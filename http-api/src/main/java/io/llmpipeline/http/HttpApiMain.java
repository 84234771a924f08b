package io.llmpipeline.http;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import io.llmpipeline.catalog.CatalogLoader;

/**
 * The HTTP API as its own process (docker-compose's {@code http-api} service), configured by the
 * environment: {@code KAFKA_BOOTSTRAP_SERVERS}, {@code PIPELINE_CONFIG}, {@code HTTP_HOST}
 * (default 0.0.0.0), {@code HTTP_PORT} (default 8080), {@code HTTP_RESULT_TIMEOUT_SECONDS} (default 120),
 * {@code HTTP_FILES_DIR} (Files API storage; default {@code <tmp>/llm-pipeline-http-files}).
 */
public final class HttpApiMain {
    private HttpApiMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        run(System.getenv());
    }

    static void run(Map<String, String> env) throws InterruptedException {
        String bootstrap = value(env, "KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");
        HttpApiOptions options = HttpApiOptions.defaults()
                .withHost(value(env, "HTTP_HOST", "0.0.0.0"))
                .withPort(Integer.parseInt(value(env, "HTTP_PORT", "8080")))
                .withResultTimeout(Duration.ofSeconds(Long.parseLong(value(env, "HTTP_RESULT_TIMEOUT_SECONDS", "120"))))
                .withFilesDir(java.nio.file.Path.of(value(env, "HTTP_FILES_DIR",
                        HttpApiOptions.defaults().filesDir().toString())))
                .withEnv(name -> blankToNull(env.get(name)));
        HttpApi api = HttpApi.start(CatalogLoader.fromEnvironment(), bootstrap, options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            api.close();
            stopped.countDown();
        }, "http-api-stop"));
        System.out.println("http: " + api.baseUrl());
        stopped.await();
    }

    private static String value(Map<String, String> env, String name, String fallback) {
        String value = blankToNull(env.get(name));
        return value == null ? fallback : value;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
