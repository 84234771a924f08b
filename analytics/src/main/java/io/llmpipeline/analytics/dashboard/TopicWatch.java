package io.llmpipeline.analytics.dashboard;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The latest value of every key of a compacted topic (provider health, batches), kept current by
 * a background consumer. A topic that does not exist yet is looked for again every few seconds
 * (never created: {@code allow.auto.create.topics=false}).
 */
final class TopicWatch implements AutoCloseable {
    private final String topic;
    private final Map<String, byte[]> latest = new ConcurrentSkipListMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicBoolean exists = new AtomicBoolean();
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;

    TopicWatch(String bootstrapServers, String topic) {
        this.topic = topic;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, "llm-dashboard-" + topic), new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = Thread.ofPlatform().daemon().name("watch-" + topic).start(this::run);
    }

    private void run() {
        try {
            while (running.get() && !assign()) {
                synchronized (running) {
                    running.wait(3_000);
                }
            }
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.key() == null) {
                        continue;
                    }
                    if (record.value() == null) {
                        latest.remove(record.key());
                    } else {
                        latest.put(record.key(), record.value());
                    }
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // closing
        } catch (RuntimeException e) {
            System.err.println("dashboard: stopped reading " + topic + ": " + e);
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private boolean assign() {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5));
        if (partitions == null || partitions.isEmpty()) {
            return false;
        }
        List<TopicPartition> assigned = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(assigned);
        consumer.seekToBeginning(assigned);
        exists.set(true);
        return true;
    }

    boolean topicExists() {
        return exists.get();
    }

    /** Latest values by key, sorted by key. */
    Map<String, byte[]> snapshot() {
        return new TreeMap<>(latest);
    }

    @Override
    public void close() {
        running.set(false);
        synchronized (running) {
            running.notifyAll();
        }
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
