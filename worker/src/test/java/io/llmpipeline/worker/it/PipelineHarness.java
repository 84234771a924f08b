package io.llmpipeline.worker.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.CatalogLoader;
import io.llmpipeline.catalog.TopicPlan;
import io.llmpipeline.schemas.Codecs;
import io.llmpipeline.schemas.DlqEnvelope;
import io.llmpipeline.schemas.InvocationEvent;
import io.llmpipeline.schemas.LlmAssignment;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.ModelRef;
import io.llmpipeline.schemas.ProviderHealth;
import io.llmpipeline.testkit.KafkaFixture;
import io.llmpipeline.catalog.TopicLeaders;

/**
 * One isolated pipeline on the shared broker: a prefixed catalog, its topics, a producer of
 * assignments and read_committed readers of everything the worker writes.
 */
public final class PipelineHarness implements AutoCloseable {
    private final String bootstrap;
    private final Catalog catalog;
    private final String prefix;
    private final KafkaProducer<String, byte[]> producer;
    private final Map<String, KafkaConsumer<String, byte[]>> readers = new HashMap<>();
    private final Map<String, List<ConsumerRecord<String, byte[]>>> seen = new HashMap<>();

    public PipelineHarness(String testName, String yaml) {
        this(testName, yaml, KafkaFixture.shared().bootstrapServers());
    }

    /** On a broker of the test's own rather than the shared one. */
    public PipelineHarness(String testName, String yaml, String bootstrap) {
        this.bootstrap = bootstrap;
        this.prefix = KafkaFixture.uniquePrefix(testName);
        this.catalog = CatalogLoader.parse(yaml, testName, name -> null).withNamePrefix(prefix);
        try (var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicPlan.create(admin, catalog.topics());
            TopicLeaders.await(admin, TopicPlan.topics(catalog.topics()).stream().map(t -> t.name()).toList(),
                    Duration.ofSeconds(30));
        }
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        this.producer = new KafkaProducer<>(p);
    }

    /**
     * A catalog with one provider of each kind, all served by the simulator at {@code simBase}:
     * Ollama over HTTP/1.1 (as local servers usually are), the others over h2c.
     */
    public static String fourProviders(String simBase, String extraGuards) {
        return """
                topics:
                  bands: {CRITICAL: 2, HIGH: 2, NORMAL: 4, LOW: 2, BULK: 2}
                  partitions: 3
                worker:
                  commitIntervalMs: 50
                  healthIntervalMs: 500
                  shutdownGraceMs: 2000
                providers:
                  openai:
                    kind: openai
                    baseUrl: %1$s/v1
                    http: {maxConnections: 256, http2: true, connectTimeoutMs: 1000, responseTimeoutMs: 5000}
                    %2$s
                  anthropic:
                    kind: anthropic
                    baseUrl: %1$s/anthropic
                    http: {maxConnections: 64, http2: true, connectTimeoutMs: 1000, responseTimeoutMs: 5000}
                    %2$s
                  ollama:
                    kind: ollama
                    baseUrl: %1$s/ollama
                    http: {maxConnections: 64, connectTimeoutMs: 1000, responseTimeoutMs: 5000}
                    %2$s
                  gemini:
                    kind: gemini
                    baseUrl: %1$s/gemini
                    http: {maxConnections: 64, http2: true, connectTimeoutMs: 1000, responseTimeoutMs: 5000}
                    %2$s
                models:
                  gpt-a: {provider: openai, contextWindow: 8192, maxOutputTokens: 1024, price: {inputPerMTok: 1.0, outputPerMTok: 2.0}}
                  gpt-b: {provider: openai, contextWindow: 8192, maxOutputTokens: 1024, price: {inputPerMTok: 1.0, outputPerMTok: 2.0}}
                  claude-a: {provider: anthropic, contextWindow: 8192, maxOutputTokens: 1024, price: {inputPerMTok: 3.0, outputPerMTok: 15.0, cachedInputPerMTok: 0.3, cacheWritePerMTok: 3.75}}
                  llama-a: {provider: ollama, contextWindow: 4096, maxOutputTokens: 512}
                  llama-small: {provider: ollama, contextWindow: 256, maxOutputTokens: 64}
                  gemini-a: {provider: gemini, contextWindow: 8192, maxOutputTokens: 1024, price: {inputPerMTok: 0.5, outputPerMTok: 1.5}}
                routes:
                  - match: ""
                    candidates: [gpt-a]
                """.formatted(simBase, extraGuards == null || extraGuards.isBlank() ? "" : "guards: " + extraGuards);
    }

    /** The name prefix of this pipeline's topics and groups. */
    public String prefix() {
        return prefix;
    }

    public Catalog catalog() {
        return catalog;
    }

    public String bootstrap() {
        return bootstrap;
    }

    public void send(LlmAssignment assignment) {
        String id = assignment.getRequest().getRequestId();
        int partition = catalog.bands().partitionFor(assignment.getRequest().getPriority(), id);
        producer.send(new ProducerRecord<>(catalog.topics().assigned(), partition, id, Codecs.ASSIGNMENT.encode(assignment)));
    }

    public void sendRaw(String key, byte[] value, int partition) {
        producer.send(new ProducerRecord<>(catalog.topics().assigned(), partition, key, value));
    }

    /**
     * Sends {@code count} assignments of {@code target} (ids {@code prefix-0...}) round-robin over every
     * partition, so each worker of a group gets its part, and flushes them.
     */
    public void sendRoundRobin(String prefix, int count, ModelRef target, long deadlineEpochMs) {
        int partitions = catalog().bands().totalPartitions();
        for (int i = 0; i < count; i++) {
            String id = prefix + "-" + i;
            sendRaw(id, Codecs.ASSIGNMENT.encode(Assignments.withDeadline(Assignments.of(id, "q" + i, target), deadlineEpochMs)
                    .build()), i % partitions);
        }
        flush();
    }

    /**
     * A worker in its own JVM on this harness's topics (for kill -9 and SIGSTOP), console to {@code log}.
     * Workers of one test sharing an id share a transactional id: a new one fences the old one's open transaction.
     */
    public Process startWorkerProcess(Path config, String workerId, java.io.File log) throws java.io.IOException {
        return startWorkerProcess(config, workerId, log, List.of());
    }

    /** @param systemProperties {@code name=value} pairs given to the worker's JVM as {@code -D} options */
    public Process startWorkerProcess(Path config, String workerId, java.io.File log, List<String> systemProperties)
            throws java.io.IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path")));
        systemProperties.forEach(p -> command.add("-D" + p));
        command.add(io.llmpipeline.worker.WorkerMain.class.getName());
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("KAFKA_BOOTSTRAP_SERVERS", bootstrap());
        pb.environment().put("PIPELINE_CONFIG", config.toString());
        pb.environment().put("PIPELINE_NAME_PREFIX", prefix());
        pb.environment().put("WORKER_ID", workerId);
        pb.redirectErrorStream(true).redirectOutput(log);
        return pb.start();
    }

    public void flush() {
        producer.flush();
    }

    public List<LlmResult> results(int atLeast, Duration within) {
        return read(catalog.topics().results(), atLeast, within).stream().map(r -> Codecs.RESULT.decode(r.value())).toList();
    }

    public List<InvocationEvent> invocations(int atLeast, Duration within) {
        return read(catalog.topics().invocations(), atLeast, within).stream()
                .map(r -> Codecs.INVOCATION.decode(r.value())).toList();
    }

    public List<DlqEnvelope> dlq(int atLeast, Duration within) {
        return read(catalog.topics().dlq(), atLeast, within).stream().map(r -> Codecs.DLQ.decode(r.value())).toList();
    }

    public List<ProviderHealth> health(int atLeast, Duration within) {
        return read(catalog.topics().providerHealth(), atLeast, within).stream()
                .map(r -> Codecs.HEALTH.decode(r.value())).toList();
    }

    /** Waits until the results satisfy {@code done} (or the time is up) and returns them all. */
    public List<LlmResult> resultsUntil(Predicate<List<LlmResult>> done, Duration within) {
        long end = System.nanoTime() + within.toNanos();
        List<LlmResult> out;
        do {
            out = read(catalog.topics().results(), 0, Duration.ofMillis(200)).stream()
                    .map(r -> Codecs.RESULT.decode(r.value())).toList();
        } while (!done.test(out) && System.nanoTime() < end);
        return out;
    }

    /** Everything on the topic so far, polling until at least {@code atLeast} records or the time is up. */
    public synchronized List<ConsumerRecord<String, byte[]>> read(String topic, int atLeast, Duration within) {
        KafkaConsumer<String, byte[]> reader = readers.computeIfAbsent(topic, this::reader);
        List<ConsumerRecord<String, byte[]>> all = seen.computeIfAbsent(topic, t -> new ArrayList<>());
        long end = System.nanoTime() + within.toNanos();
        do {
            reader.poll(Duration.ofMillis(100)).forEach(all::add);
        } while (all.size() < atLeast && System.nanoTime() < end);
        // one more short poll so that extra (duplicate) records show up too
        reader.poll(Duration.ofMillis(50)).forEach(all::add);
        return List.copyOf(all);
    }

    private KafkaConsumer<String, byte[]> reader(String topic) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c);
        // assigned, not subscribed: a group could rebalance (after a broker restart) and read again from its last commit
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    @Override
    public void close() {
        producer.close();
        readers.values().forEach(KafkaConsumer::close);
    }
}
