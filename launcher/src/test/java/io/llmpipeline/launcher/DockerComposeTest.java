package io.llmpipeline.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * No Docker engine runs here, so compose cannot start; check what can be checked without one.
 * SnakeYAML's full loader is used because it resolves the {@code <<:} merge keys compose relies on.
 */
class DockerComposeTest {
    private static final Path COMPOSE = Path.of("..", "docker-compose.yml");

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services() throws Exception {
        Map<String, Object> root = new Yaml().load(Files.readString(COMPOSE));
        return (Map<String, Map<String, Object>>) root.get("services");
    }

    @Test
    void shouldParseAndNameEveryService() throws Exception {
        assertThat(services().keySet()).containsExactlyInAnyOrder("kafka", "topics", "provider-sim", "router", "batch-tracker",
                "worker", "dashboard", "prometheus", "grafana", "http-api");
    }

    @Test
    void shouldStartEachServiceWithAMainClassThatExists() throws Exception {
        for (String service : List.of("topics", "provider-sim", "router", "batch-tracker", "worker", "dashboard", "http-api")) {
            String mainClass = ((List<?>) services().get(service).get("command")).get(0).toString();
            assertThat(Class.forName(mainClass).getMethod("main", String[].class)).as(service).isNotNull();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldPointEveryKafkaClientAtTheBrokerService() throws Exception {
        var services = services();
        Map<String, Object> kafkaEnv = (Map<String, Object>) services.get("kafka").get("environment");
        assertThat(kafkaEnv.get("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR")).isEqualTo(1);
        for (String service : List.of("router", "batch-tracker", "worker", "http-api")) {
            Map<String, Object> env = (Map<String, Object>) services.get(service).get("environment");
            assertThat(env.get("KAFKA_BOOTSTRAP_SERVERS")).as(service).isEqualTo("kafka:9092");
            assertThat(env.get("LLM_SIM_URL")).as(service).isEqualTo("http://provider-sim:8089");
        }
        assertThat(services.get("topics").get("command").toString()).contains("kafka:9092");
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldScrapeTheRouterAndTheWorkerOnTheirMetricsPortsAndProvisionGrafanasDashboard() throws Exception {
        var services = services();
        Map<String, Object> prometheusConfig = new Yaml().load(Files.readString(Path.of("..", "deploy", "prometheus", "prometheus.yml")));
        String targets = prometheusConfig.get("scrape_configs").toString();
        for (String service : List.of("router", "worker")) {
            Object port = ((Map<String, Object>) services.get(service).get("environment")).get("METRICS_PORT");
            assertThat(targets).as(service).contains(service + ":" + port);
        }
        List<String> prometheusVolumes = (List<String>) services.get("prometheus").get("volumes");
        assertThat(prometheusVolumes).anySatisfy(v -> assertThat(v).startsWith("./deploy/prometheus/prometheus.yml:"));

        List<String> grafanaVolumes = (List<String>) services.get("grafana").get("volumes");
        for (String volume : grafanaVolumes) {
            assertThat(Path.of("..", volume.substring(0, volume.indexOf(':')))).as(volume).exists();
        }
        Map<String, Object> datasources = new Yaml().load(Files.readString(
                Path.of("..", "deploy", "grafana", "provisioning", "datasources", "prometheus.yml")));
        String uid = (String) ((List<Map<String, Object>>) datasources.get("datasources")).getFirst().get("uid");
        var dashboard = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(Path.of("..", "deploy", "grafana", "dashboards", "llm-pipeline.json").toFile());
        assertThat(dashboard.get("panels").size()).isGreaterThan(5);
        dashboard.get("panels").forEach(panel -> {
            assertThat(panel.get("datasource").get("uid").asText()).as(panel.get("title").asText()).isEqualTo(uid);
            panel.get("targets").forEach(t -> assertThat(t.get("expr").asText()).containsPattern("llm_|kafka_stream_|jvm_"));
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldPublishTheHttpApiOnThePortItListensOn() throws Exception {
        Map<String, Object> api = services().get("http-api");
        String port = ((Map<String, Object>) api.get("environment")).get("HTTP_PORT").toString();
        assertThat((List<String>) api.get("ports")).containsExactly(port + ":" + port);
    }
}
