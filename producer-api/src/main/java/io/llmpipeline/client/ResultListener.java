package io.llmpipeline.client;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.llmpipeline.schemas.Codecs;
import io.llmpipeline.schemas.LlmResult;

/**
 * Reads every partition of the results topic from its end (no consumer group: each client sees
 * all results and picks its own), committed records only, on one daemon thread.
 */
final class ResultListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ResultListener.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    private ResultListener(KafkaConsumer<String, byte[]> consumer, String topic, Consumer<LlmResult> sink, CountDownLatch positioned) {
        this.consumer = consumer;
        this.thread = Thread.ofPlatform().daemon().name("llm-client-results").unstarted(() -> run(topic, sink, positioned));
    }

    static ResultListener start(String bootstrapServers, String topic, Consumer<LlmResult> sink) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000), new StringDeserializer(), new ByteArrayDeserializer());
        CountDownLatch positioned = new CountDownLatch(1);
        ResultListener listener = new ResultListener(consumer, topic, sink, positioned);
        listener.thread.start();
        LlmClient.await(positioned, "positioning on " + topic);
        return listener;
    }

    private void run(String topic, Consumer<LlmResult> sink, CountDownLatch positioned) {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            if (partitions.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist");
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // resolve now, so results sent after connect are seen
            positioned.countDown();
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        sink.accept(Codecs.RESULT.decode(record.value()));
                    } catch (SerializationException e) {
                        LOG.warn("skipping undecodable result at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("result listener stopped", e);
        } finally {
            positioned.countDown();
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
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
    }
}
