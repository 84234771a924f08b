package io.llmpipeline.worker.batch;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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

import io.llmpipeline.schemas.BatchState;
import io.llmpipeline.schemas.BatchStatus;
import io.llmpipeline.schemas.Codecs;
import io.llmpipeline.schemas.LlmRequest;

/**
 * The ids of cancelled batches, read from the compacted {@code llm.batches} (written by the batch
 * tracker) on one daemon thread. A request of a cancelled batch that has not started is ended by
 * the worker as CANCELLED without a provider call (and without cost); calls already running finish
 * and are billed. A view, not a lock: a request started just before the cancel arrives runs.
 */
public final class CancelledBatches implements AutoCloseable {
    /** Request metadata naming the batch a request belongs to. */
    public static final String BATCH_ID = "batch_id";
    private static final Logger LOG = LoggerFactory.getLogger(CancelledBatches.class);

    private final Set<String> cancelled = ConcurrentHashMap.newKeySet();
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    private CancelledBatches(String bootstrapServers, String topic) {
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = Thread.ofPlatform().daemon().name("worker-cancelled-batches").unstarted(() -> run(topic));
        thread.start();
    }

    public static CancelledBatches watch(String bootstrapServers, String batchesTopic) {
        return new CancelledBatches(bootstrapServers, batchesTopic);
    }

    /** Why this request must not run, or null when it may. */
    public String refusal(LlmRequest request) {
        if (cancelled.isEmpty()) {
            return null;
        }
        String batch = request.getMetadata().get(BATCH_ID);
        return batch != null && cancelled.contains(batch)
                ? "batch " + batch + " was cancelled before this request was sent to a provider" : null;
    }

    private void run(String topic) {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            if (partitions.isEmpty()) {
                LOG.warn("no topic {}: batch cancels are not seen by this worker", topic);
                return;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        BatchState state = Codecs.BATCH_STATE.decode(record.value());
                        if (state.getStatus() == BatchStatus.CANCELLING || state.getStatus() == BatchStatus.CANCELLED) {
                            cancelled.add(state.getBatchId());
                        }
                    } catch (SerializationException e) {
                        LOG.warn("skipping an undecodable batch state at {}-{}@{}", record.topic(), record.partition(), record.offset());
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("cancelled-batch view stopped; batch cancels are not seen by this worker", e);
        } finally {
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
