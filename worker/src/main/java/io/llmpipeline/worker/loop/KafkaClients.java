package io.llmpipeline.worker.loop;

import java.time.Duration;
import java.util.Properties;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.llmpipeline.catalog.ClientOverrides;
import io.llmpipeline.catalog.WorkerConfig;
import io.llmpipeline.catalog.WorkerKafkaConfig;

/**
 * The worker's Kafka consumer and transactional producer, with the {@link Outbox} that commits
 * through them: one set, opened together and closed together (a restart replaces the whole set).
 * What the delivery guarantee rests on is fixed here; tuning comes from {@code worker.kafka} in
 * {@code pipeline.yaml}.
 */
final class KafkaClients implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaClients.class);
    /** System-property prefixes for any other consumer or output-producer setting (tuning, fault tests), applied last. */
    static final String CONSUMER_OVERRIDES = "llm.worker.consumer.";
    static final String PRODUCER_OVERRIDES = "llm.worker.producer.";

    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final Outbox outbox;
    private final Duration closeTimeout;
    private boolean closed;

    private KafkaClients(KafkaConsumer<String, byte[]> consumer, KafkaProducer<String, byte[]> producer, Outbox outbox,
                         Duration closeTimeout) {
        this.consumer = consumer;
        this.producer = producer;
        this.outbox = outbox;
        this.closeTimeout = closeTimeout;
    }

    /**
     * Opens the producer (its {@code initTransactions} ends any transaction an earlier producer under
     * this worker's transactional id left open) and then the consumer, not subscribed yet.
     */
    static KafkaClients open(WorkerConfig config, String bootstrapServers, String workerId) {
        KafkaProducer<String, byte[]> producer = producer(config, bootstrapServers, workerId);
        Outbox outbox;
        try {
            outbox = new Outbox(producer, config.transactional(), config.kafka().transactionTimeoutMs());
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
        return new KafkaClients(consumer(config, bootstrapServers, workerId), producer, outbox,
                Duration.ofMillis(config.kafka().closeTimeoutMs()));
    }

    KafkaConsumer<String, byte[]> consumer() {
        return consumer;
    }

    Outbox outbox() {
        return outbox;
    }

    /** Leaves the group (the rebalance listener hears its partitions revoked) and closes both clients. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            // a static member must say it leaves, or its partitions idle until its session times out
            consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(closeTimeout));
        } catch (RuntimeException e) {
            LOG.warn("closing the consumer: {}", e.toString());
        }
        try {
            producer.close(closeTimeout);
        } catch (RuntimeException e) {
            LOG.warn("closing the producer: {}", e.toString());
        }
    }

    private static KafkaConsumer<String, byte[]> consumer(WorkerConfig config, String bootstrapServers, String workerId) {
        WorkerKafkaConfig tuning = config.kafka();
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "worker-" + workerId);
        // Static membership: a worker restarted under the same id takes its partitions back at once,
        // instead of them idling until the dead process's session times out.
        c.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, workerId);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, tuning.maxPollRecords());
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        ClientOverrides.apply(CONSUMER_OVERRIDES, c);
        return new KafkaConsumer<>(c);
    }

    private static KafkaProducer<String, byte[]> producer(WorkerConfig config, String bootstrapServers, String workerId) {
        WorkerKafkaConfig tuning = config.kafka();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "worker-" + workerId);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, tuning.lingerMs());
        // One request in flight: on a freshly created topic a NOT_LEADER answer to the first batch made the
        // batches queued behind it fail as out of order, which a transactional producer cannot recover from.
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, tuning.batchSizeBytes());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        if (config.transactional()) {
            // Stable per worker id: a restarted worker fences its predecessor and aborts its open transaction.
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.groupId() + "." + workerId);
            p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, tuning.transactionTimeoutMs());
        }
        ClientOverrides.apply(PRODUCER_OVERRIDES, p);
        return new KafkaProducer<>(p);
    }
}
