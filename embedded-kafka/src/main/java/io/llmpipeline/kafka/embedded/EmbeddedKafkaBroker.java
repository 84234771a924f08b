package io.llmpipeline.kafka.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool$;

/**
 * A single-node KRaft broker (combined broker and controller) run in this JVM from Kafka's own
 * server code, the way {@code kafka-server-start.sh} runs it: a {@code server.properties} file in
 * the data directory, storage formatted once by Kafka's storage tool, then {@link KafkaRaftServer}.
 * Data survives restarts when the same directory is used.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private final Path dataDir;
    private final int port;
    private final KafkaRaftServer server;

    private EmbeddedKafkaBroker(Path dataDir, int port, KafkaRaftServer server) {
        this.dataDir = dataDir;
        this.port = port;
        this.server = server;
    }

    /**
     * Starts a broker and waits until it answers.
     *
     * @param dataDir where logs and metadata live (created if missing)
     * @param port    client port, or 0 for a free one
     */
    public static EmbeddedKafkaBroker start(Path dataDir, int port) {
        return start(dataDir, port, Map.of());
    }

    /**
     * Starts a broker with settings of its own on top of the defaults (and of {@code -Dllm.broker.*}),
     * for a test that needs a broker unlike the shared one, e.g. one that aborts timed-out transactions sooner.
     */
    public static EmbeddedKafkaBroker start(Path dataDir, int port, Map<String, String> settings) {
        try {
            Files.createDirectories(dataDir);
            int clientPort = port == 0 ? freePort() : port;
            int controllerPort = freePort();
            Properties props = serverProperties(dataDir, clientPort, controllerPort);
            props.putAll(settings);
            Path propsFile = dataDir.resolve("server.properties");
            try (var out = Files.newOutputStream(propsFile)) {
                props.store(out, "written by llm-pipeline's embedded broker");
            }
            formatIfNeeded(dataDir.resolve("logs"), propsFile);
            KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            server.startup();
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dataDir, clientPort, server);
            broker.awaitReady(Duration.ofSeconds(60));
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded Kafka in " + dataDir, e);
        }
    }

    static Properties serverProperties(Path dataDir, int clientPort, int controllerPort) {
        Properties props = new Properties();
        props.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", "1"),
                Map.entry("controller.quorum.voters", "1@127.0.0.1:" + controllerPort),
                Map.entry("listeners", "PLAINTEXT://127.0.0.1:" + clientPort + ",CONTROLLER://127.0.0.1:" + controllerPort),
                Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + clientPort),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("log.dirs", dataDir.resolve("logs").toAbsolutePath().toString()),
                // a single broker cannot replicate internal topics: without these, groups and transactions hang
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("offsets.topic.num.partitions", "10"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("transaction.state.log.num.partitions", "10"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                Map.entry("num.partitions", "1"),
                Map.entry("auto.create.topics.enable", "false"),
                Map.entry("log.retention.hours", "24"),
                Map.entry("log.segment.bytes", String.valueOf(64 * 1024 * 1024))));
        // diagnostics: -Dllm.broker.<setting>=<value> (e.g. log.message.timestamp.type=LogAppendTime to time each hop)
        System.getProperties().stringPropertyNames().stream().filter(n -> n.startsWith("llm.broker."))
                .forEach(n -> props.put(n.substring("llm.broker.".length()), System.getProperty(n)));
        return props;
    }

    private static void formatIfNeeded(Path logDir, Path propsFile) {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        List<String> command = new ArrayList<>(List.of("format", "-t", Uuid.randomUuid().toString(),
                "-c", propsFile.toString(), "--ignore-formatted"));
        // diagnostics: -Dllm.kafka.transaction.version=1 formats the broker with transactions v1 instead of v2
        String transactionVersion = System.getProperty("llm.kafka.transaction.version");
        if (transactionVersion != null) {
            command.addAll(List.of("--feature", "transaction.version=" + transactionVersion));
        }
        String[] args = command.toArray(String[]::new);
        int exit = StorageTool$.MODULE$.execute(args, new PrintStream(captured, true, StandardCharsets.UTF_8));
        if (exit != 0) {
            throw new IllegalStateException("kafka storage format failed (" + exit + "): "
                    + captured.toString(StandardCharsets.UTF_8));
        }
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000))) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("embedded Kafka did not become ready in " + timeout, e);
                    }
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for embedded Kafka", e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
