package io.llmpipeline.launcher;

import io.llmpipeline.catalog.TopicLeaders;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The raw rate of one produce-and-consume pass through the same broker, with records the size
 * of a request: the ceiling no end-to-end figure can beat, since a request crosses Kafka at
 * least three times (request, assignment, result).
 */
final class KafkaCeiling {
    private KafkaCeiling() {
    }

    /** Records per second from the first send to the last record consumed. */
    static double measure(String bootstrapServers, String topic, int partitions, int records, int recordBytes) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
            // a topic created a moment ago may not have leaders yet: sends to it would fail and be lost
            TopicLeaders.await(admin, List.of(topic), Duration.ofSeconds(30));
        }
        byte[] payload = new byte[recordBytes];
        java.util.Arrays.fill(payload, (byte) 'x');
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, topic + ".ceiling",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000), new StringDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                     // raw rate: no idempotence (a burst of tens of thousands of records into a new topic
                     // tripped OUT_OF_ORDER_SEQUENCE retries on the embedded broker; see docs/BENCHMARKS.md)
                     ProducerConfig.ACKS_CONFIG, "1",
                     ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                     ProducerConfig.LINGER_MS_CONFIG, 5,
                     ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"), new StringSerializer(), new ByteArraySerializer())) {
            consumer.subscribe(Set.of(topic));
            while (consumer.assignment().isEmpty()) {
                consumer.poll(Duration.ofMillis(100));
            }
            AtomicInteger failed = new AtomicInteger();
            long start = System.nanoTime();
            Thread sender = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < records; i++) {
                    producer.send(new ProducerRecord<>(topic, "k" + i, payload), (metadata, error) -> {
                        if (error != null) {
                            failed.incrementAndGet();
                        }
                    });
                }
                producer.flush();
            });
            int seen = 0;
            long deadline = start + Duration.ofMinutes(2).toNanos();
            while (seen < records - failed.get() && System.nanoTime() < deadline) {
                seen += consumer.poll(Duration.ofMillis(100)).count();
            }
            long elapsed = System.nanoTime() - start;
            sender.join();
            if (failed.get() > 0) {
                throw new IllegalStateException(failed.get() + " of " + records + " ceiling records could not be produced");
            }
            return seen * 1e9 / elapsed;
        }
    }
}
