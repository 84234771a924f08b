package io.llmpipeline.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.CatalogLoader;
import io.llmpipeline.worker.metrics.WorkerMetrics;

class WorkerPrometheusTest {
    private static final String CATALOG = """
            providers: {p: {kind: openai, baseUrl: "http://localhost:1/v1"}}
            models: {small: {provider: p}}
            routes: [{match: "", candidates: [small]}]
            metrics: {workerPort: 0}
            """;

    @Test
    void shouldServeTheWorkersMetersOnTheConfiguredPort() throws Exception {
        Catalog catalog = CatalogLoader.parse(CATALOG, "t", k -> null);
        try (WorkerPrometheus prometheus = WorkerPrometheus.start(catalog, Map.of())) {
            WorkerMetrics metrics = new WorkerMetrics(prometheus.options().registry());
            metrics.requestStarted();
            metrics.requestStarted();

            String scraped = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + prometheus.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();

            assertThat(scraped).contains("llm_worker_requests_in_flight{application=\"llm-worker\"} 2");
        }
    }

    @Test
    void shouldServeNothingWithoutAPort() {
        Catalog catalog = CatalogLoader.parse(CATALOG.replace("metrics: {workerPort: 0}", ""), "t", k -> null);
        try (WorkerPrometheus prometheus = WorkerPrometheus.start(catalog, Map.of())) {
            assertThat(prometheus.port()).isEqualTo(-1);
        }
    }
}
