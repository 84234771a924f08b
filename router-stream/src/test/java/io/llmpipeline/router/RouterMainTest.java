package io.llmpipeline.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.CatalogLoader;
import io.llmpipeline.catalog.CatalogWriter;
import io.llmpipeline.schemas.CachePolicy;
import io.llmpipeline.schemas.Codecs;
import io.llmpipeline.schemas.LlmAssignment;
import io.llmpipeline.testkit.KafkaFixture;

/** The router as its container starts it: configured only by environment variables. */
class RouterMainTest {
    @TempDir
    Path dir;

    @Test
    void shouldTreatABlankConfigPathAsUnsetAndLoadTheBundledCatalog() {
        Catalog fromBlank = RouterMain.catalog(Map.of("PIPELINE_CONFIG", "  "));

        assertThat(fromBlank.config()).isEqualTo(CatalogLoader.loadDefault().config());
    }

    @Test
    void shouldStartFromTheEnvironmentCreateTheTopicsAndAssignARequest() throws Exception {
        KafkaFixture kafka = KafkaFixture.shared();
        Catalog catalog = CatalogLoader.loadDefault().withNamePrefix(KafkaFixture.uniquePrefix("router-main"));
        Path config = dir.resolve("pipeline.yaml");
        Files.writeString(config, CatalogWriter.toYaml(catalog), StandardCharsets.UTF_8);
        Map<String, String> env = Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "PIPELINE_CONFIG", config.toString(),
                "STATE_DIR", dir.resolve("state").toString(),
                "METRICS_PORT", "0");

        try (Router router = RouterMain.start(env);
             KafkaProducer<String, byte[]> producer = BrokerTopics.producer(kafka.bootstrapServers());
             KafkaConsumer<String, byte[]> assigned = BrokerTopics.consumer(kafka.bootstrapServers(), catalog.topics().assigned())) {
            BrokerTopics.send(producer, catalog.topics().requests(), "smoke-1", Codecs.REQUEST.encode(
                    Requests.valid("smoke-1").setTaskType("summarize.email").setCachePolicy(CachePolicy.DISABLED).build()));
            producer.flush();

            LlmAssignment a = Codecs.ASSIGNMENT.decode(BrokerTopics.readUntil(assigned, seen -> !seen.isEmpty(),
                    Duration.ofSeconds(60)).getFirst().value());

            assertThat(router.streams().state().isRunningOrRebalancing()).isTrue();
            assertThat(a.getRequest().getRequestId()).isEqualTo("smoke-1");
            assertThat(a.getRoute()).isEqualTo("summarize");
            assertThat(a.getTarget().getModel()).isIn("gpt-4o-mini", "gpt-4o");

            try (RouterPrometheus metrics = RouterPrometheus.start(router.streams(), RouterMain.catalog(env), env)) {
                String scraped = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://localhost:" + metrics.port() + "/metrics")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                assertThat(scraped).contains("llm_router_running{application=\"llm-router\"} 1")
                        .contains("kafka_stream_thread_process_total");
            }
        }
    }
}
