package io.llmpipeline.worker.loop;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.llmpipeline.schemas.AttemptJournalEntry;
import io.llmpipeline.schemas.Codecs;

/**
 * What one journal partition, read at assignment up to {@code end}, says about the calls of its
 * source partition's records that have no committed output. Knows nothing of Kafka clients: it is
 * given the journal's records in order and, at the end, hands its finding to the partition's progress.
 */
final class JournalPartitionRead {
    private static final Logger LOG = LoggerFactory.getLogger(JournalPartitionRead.class);

    private final TopicPartition source;
    private final TopicPartition journal;
    private final long committedOffset;
    private final PartitionProgress progress;
    private final long end;
    private final String workerId;
    /** By record offset, by attempt. */
    private final Map<Long, Map<Integer, AttemptJournalEntry>> calls = new TreeMap<>();
    /** By record offset: the journal offset of its first entry. */
    private final Map<Long, Long> first = new HashMap<>();

    JournalPartitionRead(TopicPartition source, TopicPartition journal, long committedOffset, PartitionProgress progress,
                         long end, String workerId) {
        this.source = source;
        this.journal = journal;
        this.committedOffset = committedOffset;
        this.progress = progress;
        this.end = end;
        this.workerId = workerId;
    }

    TopicPartition source() {
        return source;
    }

    PartitionProgress progress() {
        return progress;
    }

    /** The journal's end when reading began: the read stops there. */
    long end() {
        return end;
    }

    void add(ConsumerRecord<String, byte[]> record) {
        AttemptJournalEntry entry;
        try {
            entry = Codecs.ATTEMPT_JOURNAL.decode(record.value());
        } catch (SerializationException e) {
            LOG.warn("{}@{}: undecodable journal entry skipped: {}", journal, record.offset(), e.getMessage());
            return;
        }
        long offset = entry.getSourceOffset();
        if (offset < committedOffset || progress.finishedBefore(offset)) {
            return; // its output, events included, was committed
        }
        // an end record replaces its start; a start never replaces an end
        calls.computeIfAbsent(offset, k -> new HashMap<>()).merge(entry.getAttempt(), entry,
                (had, next) -> next.getEndedAtMs() != null ? next : had);
        first.merge(offset, record.offset(), Math::min);
    }

    /** Hands the calls found, by record and in attempt order, to the partition's progress. */
    void finish() {
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
}
