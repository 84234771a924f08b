package io.llmpipeline.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

class PrometheusEndpointTest {
    @Test
    void shouldServeTheMetersInThePrometheusTextFormatWithConventionalNamesAndUnits() throws Exception {
        PrometheusMeterRegistry registry = PrometheusEndpoint.newRegistry("llm-worker");
        Counter.builder("llm.worker.calls").tag("model", "gpt-4o-mini").register(registry).increment(3);
        Timer.builder("llm.worker.call.latency").tag("model", "gpt-4o-mini").register(registry).record(Duration.ofMillis(250));
        try (PrometheusEndpoint endpoint = PrometheusEndpoint.start(registry, 0)) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + endpoint.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
            assertThat(response.body())
                    .contains("llm_worker_calls_total{application=\"llm-worker\",model=\"gpt-4o-mini\"} 3.0")
                    .contains("llm_worker_call_latency_seconds_sum{application=\"llm-worker\",model=\"gpt-4o-mini\"} 0.25")
                    .contains("jvm_memory_used_bytes");
        }
    }

    @Test
    void shouldTakeThePortFromTheEnvironmentFirstAndRefuseOneThatIsNotAPort() {
        assertThat(PrometheusEndpoint.port(Map.of(), null)).isNull();
        assertThat(PrometheusEndpoint.port(Map.of(), 9400)).isEqualTo(9400);
        assertThat(PrometheusEndpoint.port(Map.of("METRICS_PORT", "9500"), 9400)).isEqualTo(9500);
        assertThatThrownBy(() -> PrometheusEndpoint.port(Map.of("METRICS_PORT", "http"), null))
                .hasMessageContaining("METRICS_PORT='http' is not a port");
    }
}
