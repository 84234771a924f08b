package io.llmpipeline.http.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;

import io.llmpipeline.schemas.Codecs;
import io.llmpipeline.schemas.LlmResult;

/**
 * Finds a result on {@code llm.results} that this process no longer remembers (it restarted, or
 * the index let it go). Results are keyed by request id with Kafka's default partitioner, so only
 * one partition can hold it, and it was written after its request was submitted, so the read
 * starts at that time (less a margin for clocks of other hosts) and ends at the partition's end.
 * One consumer, one lookup at a time: this is the rare path.
 */
final class ResultLookup implements AutoCloseable {
    static final Duration CLOCK_SKEW_MARGIN = Duration.ofMinutes(2);
    /** A lookup is one caller's GET; it must not hold the lookup consumer for long. */
    static final Duration READ_LIMIT = Duration.ofSeconds(20);

    private final String topic;
    private final KafkaConsumer<String, byte[]> consumer;
    private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();

    ResultLookup(String bootstrapServers, String topic) {
        this.topic = topic;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, "llm-http-result-lookup"), new StringDeserializer(), new ByteArrayDeserializer());
    }

    Optional<LlmResult> find(String requestId, long submittedAtMs) {
        // a lock, not synchronized: a virtual thread blocked in Kafka I/O under synchronized pins its carrier on JDK 21
        lock.lock();
        try {
            return read(requestId, submittedAtMs);
        } finally {
            lock.unlock();
        }
    }

    private Optional<LlmResult> read(String requestId, long submittedAtMs) {
        int partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).size();
        byte[] key = requestId.getBytes(StandardCharsets.UTF_8);
        TopicPartition partition = new TopicPartition(topic, Utils.toPositive(Utils.murmur2(key)) % partitions);
        consumer.assign(List.of(partition));
        long from = Math.max(0, submittedAtMs - CLOCK_SKEW_MARGIN.toMillis());
        OffsetAndTimestamp start = consumer.offsetsForTimes(Map.of(partition, from), Duration.ofSeconds(10)).get(partition);
        if (start == null) {
            return Optional.empty(); // nothing written since
        }
        long end = consumer.endOffsets(List.of(partition), Duration.ofSeconds(10)).get(partition);
        consumer.seek(partition, start.offset());
        LlmResult found = null;
        long giveUp = System.nanoTime() + READ_LIMIT.toNanos();
        while (consumer.position(partition) < end && System.nanoTime() < giveUp) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                if (requestId.equals(record.key())) {
                    found = Codecs.RESULT.decode(record.value());
                }
            }
        }
        return Optional.ofNullable(found);
    }

    @Override
    public void close() {
        lock.lock();
        try {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
        } finally {
            lock.unlock();
        }
    }
}
