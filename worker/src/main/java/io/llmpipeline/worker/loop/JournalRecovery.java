package io.llmpipeline.worker.loop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On assignment of partitions, reads their attempt journal from where the last commit said (each
 * partition's journal mark) to the end, and keeps the calls of records that have no committed
 * output: their worker died or lost the partition after the call left, so their invocation events
 * were never written. The new owner writes them before it runs the request again.
 *
 * <p>All partitions of one assignment are read together, by one consumer: the assignment waits for
 * the slowest partition, not for the sum of them (a round trip or more each).
 */
final class JournalRecovery implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JournalRecovery.class);
    private static final Duration READ_LIMIT = Duration.ofSeconds(60);

    private final String topic;
    private final String workerId;
    private final Supplier<Consumer<String, byte[]>> newConsumer;
    private Consumer<String, byte[]> consumer;

    JournalRecovery(String topic, String bootstrapServers, String workerId) {
        this(topic, workerId, () -> open(bootstrapServers, workerId));
    }

    /** @param newConsumer opens the journal reader when it is first needed (tests give a mock) */
    JournalRecovery(String topic, String workerId, Supplier<Consumer<String, byte[]>> newConsumer) {
        this.topic = topic;
        this.workerId = workerId;
        this.newConsumer = newConsumer;
    }

    /** A partition just assigned. {@code committedOffset} is -1 when nothing was ever committed (then its journal is read from the beginning). */
    record Assigned(TopicPartition source, long committedOffset, PartitionProgress progress) {
    }

    /** Reads the journal partitions of {@code assigned} together and hands each partition's progress what it found. */
    void recover(Collection<Assigned> assigned) {
        if (assigned.isEmpty()) {
            return;
        }
        Consumer<String, byte[]> c = consumer();
        Map<TopicPartition, Assigned> byJournal = new HashMap<>();
        assigned.forEach(a -> byJournal.put(new TopicPartition(topic, a.source().partition()), a));
        Map<TopicPartition, Long> ends = c.endOffsets(byJournal.keySet());
        Map<TopicPartition, JournalPartitionRead> reading = new HashMap<>();
        byJournal.forEach((journal, a) -> {
            long end = ends.get(journal);
            if (a.committedOffset() >= 0 && a.progress().restoredJournalMark() == null) {
                // committed by a worker without a journal: nothing says where to start, and all of it may be old
                LOG.info("{}: no journal mark in the committed offset; attempts before this assignment are not recovered", a.source());
                a.progress().recovered(Map.of(), Map.of(), end);
            } else {
                reading.put(journal, new JournalPartitionRead(a.source(), journal, a.committedOffset(), a.progress(), end, workerId));
            }
        });
        if (reading.isEmpty()) {
            return;
        }
        c.assign(reading.keySet());
        // a partition this consumer read to its end at an earlier assignment is still paused: assign keeps that
        c.resume(reading.keySet());
        reading.forEach((journal, read) -> {
            Long mark = read.progress().restoredJournalMark();
            if (mark == null) {
                c.seekToBeginning(List.of(journal));
            } else {
                c.seek(journal, mark);
            }
        });
        readToEnds(c, reading);
    }

    /** Polls the partitions together, each finished (and no longer fetched) once its position reaches its end. */
    private static void readToEnds(Consumer<String, byte[]> c, Map<TopicPartition, JournalPartitionRead> reading) {
        long deadline = System.nanoTime() + READ_LIMIT.toNanos();
        finishReached(c, reading);
        while (!reading.isEmpty()) {
            if (System.nanoTime() > deadline) {
                reading.forEach((journal, read) -> {
                    LOG.error("{}: reading the attempt journal took over {} s; stopped at {} of {}", read.source(),
                            READ_LIMIT.toSeconds(), c.position(journal), read.end());
                    read.finish();
                });
                return;
            }
            ConsumerRecords<String, byte[]> records = c.poll(Duration.ofMillis(200));
            for (TopicPartition journal : records.partitions()) {
                JournalPartitionRead read = reading.get(journal);
                if (read != null) {
                    records.records(journal).forEach(read::add);
                }
            }
            finishReached(c, reading);
        }
    }

    private static void finishReached(Consumer<String, byte[]> c, Map<TopicPartition, JournalPartitionRead> reading) {
        List<TopicPartition> done = new ArrayList<>();
        reading.forEach((journal, read) -> {
            if (c.position(journal) >= read.end()) {
                read.finish();
                done.add(journal);
            }
        });
        if (!done.isEmpty()) {
            c.pause(done);
            done.forEach(reading::remove);
        }
    }

    private Consumer<String, byte[]> consumer() {
        if (consumer == null) {
            consumer = newConsumer.get();
        }
        return consumer;
    }

    private static KafkaConsumer<String, byte[]> open(String bootstrapServers, String workerId) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "worker-" + workerId + "-journal-reader");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(p);
    }

    @Override
    public void close() {
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
