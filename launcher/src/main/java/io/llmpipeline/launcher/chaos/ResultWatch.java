package io.llmpipeline.launcher.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import io.llmpipeline.schemas.Codecs;
import io.llmpipeline.schemas.LlmResult;

/**
 * Reads {@code llm.results} as a user would (read_committed) from the start of the run, through
 * broker restarts: how many results each request got, and when each became visible.
 */
final class ResultWatch implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private final Map<String, AtomicInteger> resultsById = new ConcurrentHashMap<>();
    private final List<Long> arrivalsMs = new ArrayList<>();
    private final AtomicLong lastArrivalMs = new AtomicLong();
    private volatile boolean running = true;

    ResultWatch(String bootstrapServers, String topic) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread = Thread.ofPlatform().name("chaos-result-watch").daemon().start(this::run);
    }

    private void run() {
        try {
            while (running) {
                var records = consumer.poll(Duration.ofMillis(200));
                long now = System.currentTimeMillis();
                for (ConsumerRecord<String, byte[]> record : records) {
                    LlmResult result = Codecs.RESULT.decode(record.value());
                    resultsById.computeIfAbsent(result.getRequestId(), id -> new AtomicInteger()).incrementAndGet();
                    synchronized (arrivalsMs) {
                        arrivalsMs.add(now);
                    }
                    lastArrivalMs.set(now);
                }
            }
        } catch (WakeupException e) {
            // closing
        }
    }

    int resultsFor(String requestId) {
        AtomicInteger count = resultsById.get(requestId);
        return count == null ? 0 : count.get();
    }

    long lastArrivalMs() {
        return lastArrivalMs.get();
    }

    List<Long> arrivalsMs() {
        synchronized (arrivalsMs) {
            return List.copyOf(arrivalsMs);
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
    }
}
