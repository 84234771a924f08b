package io.llmpipeline.worker.loop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.llmpipeline.schemas.AttemptJournalEntry;
import io.llmpipeline.schemas.Codecs;

/**
 * On assignment of a partition, reads its attempt journal from where the last commit said (its
 * journal mark) to the end, and keeps the calls of records that have no committed output: their
 * worker died or lost the partition after the call left, so their invocation events were never
 * written. The new owner writes them before it runs the request again.
 */
final class JournalRecovery implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JournalRecovery.class);
    private static final Duration READ_LIMIT = Duration.ofSeconds(60);

    private final String topic;
    private final String bootstrapServers;
    private final String workerId;
    private KafkaConsumer<String, byte[]> consumer;

    JournalRecovery(String topic, String bootstrapServers, String workerId) {
        this.topic = topic;
        this.bootstrapServers = bootstrapServers;
        this.workerId = workerId;
    }

    /**
     * @param committedOffset the partition's committed offset, or -1 when nothing was ever committed
     *                        (then the journal is read from its beginning)
     */
    void recover(TopicPartition source, long committedOffset, PartitionProgress progress) {
        TopicPartition journal = new TopicPartition(topic, source.partition());
        KafkaConsumer<String, byte[]> c = consumer();
        c.assign(List.of(journal));
        long end = c.endOffsets(List.of(journal)).get(journal);
        Long mark = progress.restoredJournalMark();
        if (committedOffset >= 0 && mark == null) {
            // committed by a worker without a journal: nothing says where to start, and all of it may be old
            LOG.info("{}: no journal mark in the committed offset; attempts before this assignment are not recovered", source);
            progress.recovered(Map.of(), Map.of(), end);
            return;
        }
        if (mark == null) {
            c.seekToBeginning(List.of(journal));
        } else {
            c.seek(journal, mark);
        }
        Map<Long, Map<Integer, AttemptJournalEntry>> calls = new TreeMap<>();
        Map<Long, Long> first = new HashMap<>();
        long deadline = System.nanoTime() + READ_LIMIT.toNanos();
        while (c.position(journal) < end) {
            if (System.nanoTime() > deadline) {
                LOG.error("{}: reading the attempt journal took over {} s; stopped at {} of {}", source,
                        READ_LIMIT.toSeconds(), c.position(journal), end);
                break;
            }
            for (ConsumerRecord<String, byte[]> record : c.poll(Duration.ofMillis(200))) {
                AttemptJournalEntry entry;
                try {
                    entry = Codecs.ATTEMPT_JOURNAL.decode(record.value());
                } catch (SerializationException e) {
                    LOG.warn("{}@{}: undecodable journal entry skipped: {}", journal, record.offset(), e.getMessage());
                    continue;
                }
                long offset = entry.getSourceOffset();
                if (offset < committedOffset || progress.finishedBefore(offset)) {
                    continue; // its output, events included, was committed
                }
                // an end record replaces its start; a start never replaces an end
                calls.computeIfAbsent(offset, k -> new HashMap<>()).merge(entry.getAttempt(), entry,
                        (had, next) -> next.getEndedAtMs() != null ? next : had);
                first.merge(offset, record.offset(), Math::min);
            }
        }
        Map<Long, List<AttemptJournalEntry>> earlier = new HashMap<>();
        calls.forEach((offset, byAttempt) -> {
            List<AttemptJournalEntry> list = new ArrayList<>(byAttempt.values());
            list.sort(Comparator.comparingInt(AttemptJournalEntry::getAttempt));
            earlier.put(offset, list);
        });
        if (!earlier.isEmpty()) {
            LOG.info("{}: {} request(s) have calls of an earlier owner without an invocation event; recording them ({})",
                    source, earlier.size(), workerId);
        }
        progress.recovered(earlier, first, end);
    }

    private KafkaConsumer<String, byte[]> consumer() {
        if (consumer == null) {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            p.put(ConsumerConfig.CLIENT_ID_CONFIG, "worker-" + workerId + "-journal-reader");
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
            p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            consumer = new KafkaConsumer<>(p);
        }
        return consumer;
    }

    @Override
    public void close() {
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
