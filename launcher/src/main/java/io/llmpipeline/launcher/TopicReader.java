package io.llmpipeline.launcher;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a whole topic, committed records only, from the beginning to its current end. */
public final class TopicReader {
    private TopicReader() {
    }

    public static <T> List<T> readAll(String bootstrapServers, String topic, Function<byte[], T> decode) {
        List<T> values = new ArrayList<>();
        forEach(bootstrapServers, topic, decode, values::add);
        return values;
    }

    /**
     * Hands each record to {@code sink} without keeping them, for topics too large to hold. Stops at
     * the end offsets seen at the start, or after 30 s without a record (a transaction left open by
     * a killed producer holds read_committed readers back until it times out).
     */
    public static <T> void forEach(String bootstrapServers, String topic, Function<byte[], T> decode,
                                   java.util.function.Consumer<T> sink) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long quietLimit = Duration.ofSeconds(30).toNanos();
            long lastRecord = System.nanoTime();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() - lastRecord < quietLimit) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    sink.accept(decode.apply(record.value()));
                    lastRecord = System.nanoTime();
                }
            }
        }
    }
}
