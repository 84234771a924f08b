package io.llmpipeline.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

import io.llmpipeline.kafka.embedded.EmbeddedKafkaBroker;

/**
 * The one Kafka broker of every integration test in a JVM: a Testcontainers Kafka where a Docker
 * engine answers, a real embedded KRaft broker otherwise. Started on first use and stopped when
 * the JVM exits. Tests isolate themselves with {@link #uniquePrefix} rather than a new broker,
 * because a broker takes seconds to start and tests take milliseconds.
 * <p>
 * Set {@code LLM_TEST_KAFKA=embedded} or {@code container} to force one.
 */
public final class KafkaFixture {
    private static volatile KafkaFixture shared;

    private final String bootstrapServers;
    private final String kind;

    private KafkaFixture(String bootstrapServers, String kind) {
        this.bootstrapServers = bootstrapServers;
        this.kind = kind;
    }

    public static KafkaFixture shared() {
        KafkaFixture fixture = shared;
        if (fixture == null) {
            synchronized (KafkaFixture.class) {
                fixture = shared;
                if (fixture == null) {
                    fixture = start();
                    shared = fixture;
                }
            }
        }
        return fixture;
    }

    private static KafkaFixture start() {
        String wanted = System.getenv().getOrDefault("LLM_TEST_KAFKA", "auto");
        if (wanted.equals("container") || wanted.equals("auto") && dockerAvailable()) {
            KafkaContainer container = new KafkaContainer("apache/kafka:4.1.0")
                    .withEnv("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1")
                    .withEnv("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1");
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "kafka-container-stop"));
            return new KafkaFixture(container.getBootstrapServers(), "testcontainers");
        }
        try {
            Path dir = Files.createTempDirectory("llm-test-kafka-");
            EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, 0);
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "embedded-kafka-stop"));
            return new KafkaFixture(broker.bootstrapServers(), "embedded-kraft");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean dockerAvailable() {
        // asking Testcontainers when no engine can exist costs seconds and an ERROR log
        if (System.getenv("DOCKER_HOST") == null && !Files.exists(Path.of("/var/run/docker.sock"))) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable e) {
            return false;
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** "embedded-kraft" or "testcontainers". */
    public String kind() {
        return kind;
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /** A prefix for topic names, group ids and application ids that no other test uses. */
    public static String uniquePrefix(String testName) {
        return testName.replaceAll("[^A-Za-z0-9]", "-") + "-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    }
}
