package io.llmpipeline.batch;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

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
import io.llmpipeline.schemas.Codecs;

/**
 * The latest state of every batch, read from the compacted {@code llm.batches} from its beginning
 * and kept up to date on one daemon thread (no consumer group). Any process can answer "where is
 * batch X" this way, whoever submitted it.
 */
public final class BatchWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BatchWatch.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, BatchState> latest = new ConcurrentHashMap<>();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final Object changed = new Object();
    private final Thread thread;
    private volatile boolean running = true;

    private BatchWatch(String bootstrapServers, String topic) {
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = Thread.ofPlatform().daemon().name("batch-watch").unstarted(() -> run(topic));
    }

    /** Starts watching and returns once everything already on the topic has been read. */
    public static BatchWatch start(String bootstrapServers, String topic) {
        BatchWatch watch = new BatchWatch(bootstrapServers, topic);
        watch.thread.start();
        try {
            if (!watch.caughtUp.await(60, TimeUnit.SECONDS)) {
                watch.close();
                throw new IllegalStateException("could not read " + topic + " within 60 s (is Kafka at " + bootstrapServers + "?)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        if (!watch.running) {
            throw new IllegalStateException("could not read " + topic + " (does it exist? `./pipeline topics` creates it)");
        }
        return watch;
    }

    private void run(String topic) {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            if (partitions.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist");
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            boolean signalled = false;
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    try {
                        BatchState state = Codecs.BATCH_STATE.decode(record.value());
                        latest.put(state.getBatchId(), state);
                    } catch (SerializationException e) {
                        LOG.warn("skipping an undecodable batch state at {}-{}@{}: {}", record.topic(), record.partition(),
                                record.offset(), e.getMessage());
                    }
                }
                if (!signalled && partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p))) {
                    signalled = true;
                    caughtUp.countDown();
                }
                synchronized (changed) {
                    changed.notifyAll();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("batch watch stopped: {}", e.toString());
            running = false;
        } finally {
            caughtUp.countDown();
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    public Optional<BatchState> get(String batchId) {
        return Optional.ofNullable(latest.get(batchId));
    }

    public Map<String, BatchState> all() {
        return Map.copyOf(latest);
    }

    /** Waits until the batch's state satisfies {@code condition}; returns the last state seen either way. */
    public Optional<BatchState> await(String batchId, Predicate<BatchState> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (changed) {
            while (running) {
                BatchState state = latest.get(batchId);
                if (state != null && condition.test(state)) {
                    return Optional.of(state);
                }
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    break;
                }
                try {
                    changed.wait(Math.min(left, 500));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return get(batchId);
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
