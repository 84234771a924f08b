package io.llmpipeline.worker.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.llmpipeline.schemas.AttemptJournalEntry;
import io.llmpipeline.schemas.Codecs;

/**
 * Three partitions assigned in one rebalance have their journal partitions read together, by one
 * consumer, with each partition's own rules: where its commit says to start, what its commit
 * already covers, an end replacing its start, undecodable entries skipped.
 */
class JournalRecoveryTest {
    private static final String ASSIGNED = "llm.requests.assigned";
    private static final String JOURNAL = ASSIGNED + ".journal";
    private static final TopicPartition SOURCE_0 = new TopicPartition(ASSIGNED, 0);
    private static final TopicPartition SOURCE_1 = new TopicPartition(ASSIGNED, 1);
    private static final TopicPartition SOURCE_2 = new TopicPartition(ASSIGNED, 2);
    private static final TopicPartition JOURNAL_0 = new TopicPartition(JOURNAL, 0);
    private static final TopicPartition JOURNAL_1 = new TopicPartition(JOURNAL, 1);
    private static final TopicPartition JOURNAL_2 = new TopicPartition(JOURNAL, 2);

    private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
    private final JournalRecovery recovery = new JournalRecovery(JOURNAL, "w2", () -> consumer);

    @Test
    void shouldSplitOneReadOfAllAssignedJournalPartitionsByPartitionWithEachPartitionsRules() {
        // partition 0: committed at 10, record 12 finished beyond it (bit 2), journal to be read from 100
        PartitionProgress p0 = PartitionProgress.restore(new OffsetAndMetadata(10, "journal-v1:100;" + bitmapOf(2)));
        // partition 1: never committed, its journal is read from the beginning
        PartitionProgress p1 = PartitionProgress.restore(null);
        // partition 2: committed by a worker without a journal: nothing is recovered
        PartitionProgress p2 = PartitionProgress.restore(new OffsetAndMetadata(5, ""));
        consumer.updateBeginningOffsets(Map.of(JOURNAL_0, 90L, JOURNAL_1, 0L, JOURNAL_2, 0L));
        consumer.updateEndOffsets(Map.of(JOURNAL_0, 106L, JOURNAL_1, 2L, JOURNAL_2, 1L));
        AttemptJournalEntry endOf11 = ended(start(11, 1));
        consumer.schedulePollTask(() -> {
            // interleaved as one poll returns them
            add(JOURNAL_0, 100, start(9, 1));          // before the committed offset: its output was committed
            add(JOURNAL_1, 0, start(0, 1));
            add(JOURNAL_0, 101, start(11, 1));
            consumer.addRecord(new ConsumerRecord<>(JOURNAL, 0, 102, "x", new byte[] {1, 2, 3})); // undecodable
            add(JOURNAL_0, 103, start(12, 1));         // in the bitmap: finished by the previous owner
            add(JOURNAL_1, 1, start(1, 1));
            add(JOURNAL_0, 104, endOf11);              // replaces its start
            add(JOURNAL_0, 105, start(11, 2));
        });

        recovery.recover(List.of(new JournalRecovery.Assigned(SOURCE_0, 10, p0),
                new JournalRecovery.Assigned(SOURCE_1, -1, p1),
                new JournalRecovery.Assigned(SOURCE_2, 5, p2)));

        assertThat(consumer.assignment()).as("the journal partitions read, one consumer")
                .containsExactlyInAnyOrder(JOURNAL_0, JOURNAL_1);
        assertThat(p0.takeEarlier(11)).containsExactly(endOf11, start(11, 2));
        assertThat(p0.takeEarlier(9)).isEmpty();
        assertThat(p0.takeEarlier(12)).isEmpty();
        assertThat(p1.takeEarlier(0)).containsExactly(start(0, 1));
        assertThat(p1.takeEarlier(1)).containsExactly(start(1, 1));
        assertThat(p2.takeEarlier(0)).isEmpty();

        p0.taken(10);
        p0.taken(11);
        p0.finished(10);
        assertThat(PartitionProgress.journalMarkOf(p0.toCommit().metadata())).as("11 runs again: its first entry")
                .isEqualTo(101L);
        p2.taken(5);
        p2.finished(5);
        assertThat(PartitionProgress.journalMarkOf(p2.toCommit().metadata())).as("nothing runs: the journal's end")
                .isEqualTo(1L);
    }

    @Test
    void shouldNotPollWhenEveryJournalPartitionIsAlreadyAtItsEnd() {
        PartitionProgress p0 = PartitionProgress.restore(new OffsetAndMetadata(3, "journal-v1:40;"));
        consumer.updateEndOffsets(Map.of(JOURNAL_0, 40L));
        consumer.schedulePollTask(() -> {
            throw new AssertionError("polled although the journal partition was at its end");
        });

        recovery.recover(List.of(new JournalRecovery.Assigned(SOURCE_0, 3, p0)));

        p0.taken(3);
        p0.finished(3);
        assertThat(PartitionProgress.journalMarkOf(p0.toCommit().metadata())).isEqualTo(40L);
    }

    @Test
    @Timeout(20) // a partition left paused is never read: the read would go on to its 60 s limit
    void shouldReadAPartitionAgainAtALaterAssignmentThoughItsFirstReadEnded() {
        PartitionProgress first = PartitionProgress.restore(null);
        consumer.updateBeginningOffsets(Map.of(JOURNAL_0, 0L));
        consumer.updateEndOffsets(Map.of(JOURNAL_0, 1L));
        consumer.schedulePollTask(() -> add(JOURNAL_0, 0, start(0, 1)));
        recovery.recover(List.of(new JournalRecovery.Assigned(SOURCE_0, -1, first)));
        assertThat(first.takeEarlier(0)).containsExactly(start(0, 1));

        // the partition comes back (e.g. after the clients started again): the same reader reads it again
        PartitionProgress again = PartitionProgress.restore(new OffsetAndMetadata(0, "journal-v1:1;"));
        consumer.updateEndOffsets(Map.of(JOURNAL_0, 2L));
        consumer.schedulePollTask(() -> add(JOURNAL_0, 1, start(0, 2)));
        recovery.recover(List.of(new JournalRecovery.Assigned(SOURCE_0, 0, again)));

        assertThat(again.takeEarlier(0)).as("read from its mark, 1").containsExactly(start(0, 2));
    }

    private void add(TopicPartition journal, long offset, AttemptJournalEntry entry) {
        consumer.addRecord(new ConsumerRecord<>(JOURNAL, journal.partition(), offset, entry.getRequestId(),
                Codecs.ATTEMPT_JOURNAL.encode(entry)));
    }

    private static AttemptJournalEntry start(long sourceOffset, int attempt) {
        return AttemptJournalEntry.newBuilder().setRequestId("r" + sourceOffset).setAttempt(attempt).setProvider("openai")
                .setModel("gpt-a").setWorkerId("w1").setSourceOffset(sourceOffset).setStartedAtMs(1_000)
                .setMaxOutputTokens(100).build();
    }

    private static AttemptJournalEntry ended(AttemptJournalEntry start) {
        return AttemptJournalEntry.newBuilder(start).setEndedAtMs(2_000L).build();
    }

    /** The commit metadata's bitmap with one record finished, {@code index} beyond the committed offset. */
    private static String bitmapOf(int index) {
        PartitionProgress p = PartitionProgress.restore(new OffsetAndMetadata(0, ""));
        for (int i = 0; i <= index; i++) {
            p.taken(i);
        }
        p.finished(index);
        return p.encode(0);
    }
}
