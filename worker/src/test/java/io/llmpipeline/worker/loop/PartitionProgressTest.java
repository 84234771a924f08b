package io.llmpipeline.worker.loop;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.Test;

class PartitionProgressTest {

    @Test
    void shouldCommitTheFirstUnfinishedOffsetAndMarkTheFinishedOnesBeyondIt() {
        PartitionProgress p = PartitionProgress.restore(null);
        p.taken(10);
        p.taken(11);
        p.taken(12);

        p.finished(11);
        OffsetAndMetadata commit = p.toCommit();

        assertThat(commit.offset()).isEqualTo(10);
        assertThat(PartitionProgress.decode(10, commit.metadata())).containsExactly(11L);

        p.committed();
        assertThat(p.toCommit()).isNull();
        p.finished(10);
        p.finished(12);
        assertThat(p.toCommit().offset()).isEqualTo(13);
        assertThat(p.toCommit().metadata()).isEmpty();
        assertThat(p.open()).isZero();
    }

    @Test
    void shouldSkipWhatThePreviousOwnerFinishedBeyondItsCommit() {
        PartitionProgress before = PartitionProgress.restore(null);
        for (long o = 100; o < 105; o++) {
            before.taken(o);
        }
        before.finished(101);
        before.finished(103);
        OffsetAndMetadata committed = before.toCommit();

        PartitionProgress after = PartitionProgress.restore(committed);

        assertThat(committed.offset()).isEqualTo(100);
        assertThat(after.doneBefore(100)).isFalse();
        assertThat(after.doneBefore(101)).isTrue();
        assertThat(after.doneBefore(102)).isFalse();
        assertThat(after.doneBefore(103)).isTrue();
    }

    @Test
    void shouldSkipOffsetGapsLeftByTransactionMarkers() {
        PartitionProgress p = PartitionProgress.restore(null);
        p.taken(4);
        p.taken(6);
        p.finished(4);
        assertThat(p.toCommit().offset()).isEqualTo(6);
        p.committed();
        p.finished(6);
        assertThat(p.toCommit().offset()).isEqualTo(7);
    }

    @Test
    void shouldHoldOutputBeyondWhatTheBitmapCanMark() {
        PartitionProgress p = PartitionProgress.restore(new OffsetAndMetadata(1_000));
        p.taken(1_000);

        assertThat(p.covers(1_000 + PartitionProgress.MAX_SPAN - 1)).isTrue();
        assertThat(p.covers(1_000 + PartitionProgress.MAX_SPAN)).isFalse();
        assertThat(p.toCommit()).isNull();
    }

    @Test
    void shouldMarkTheJournalAtTheFirstEntryOfARecordThisCommitDoesNotFinish() {
        PartitionProgress p = PartitionProgress.restore(null);
        p.recovered(java.util.Map.of(), java.util.Map.of(), 40);
        p.taken(10);
        p.taken(11);
        p.taken(12);
        p.journaled(10, 40);
        p.journaled(11, 41);
        p.journaled(10, 42); // a retry of 10
        p.journaled(12, 43);

        p.finished(11);
        OffsetAndMetadata first = p.toCommit();
        assertThat(first.offset()).isEqualTo(10);
        assertThat(PartitionProgress.journalMarkOf(first.metadata())).as("10 still runs: its first entry").isEqualTo(40L);
        assertThat(PartitionProgress.decode(10, first.metadata())).as("the bitmap survives the mark").containsExactly(11L);
        p.committed();

        p.finished(10);
        OffsetAndMetadata second = p.toCommit();
        assertThat(second.offset()).isEqualTo(12);
        assertThat(PartitionProgress.journalMarkOf(second.metadata())).isEqualTo(43L);
        p.committed();

        p.finished(12);
        assertThat(PartitionProgress.journalMarkOf(p.toCommit().metadata())).as("nothing runs: the journal's end")
                .isEqualTo(44L);
    }

    @Test
    void shouldKeepTheMarkAtARecoveredRecordUntilItFinishesAndHandItsCallsOutOnce() {
        OffsetAndMetadata committed = new OffsetAndMetadata(5, "journal-v1:30;");
        PartitionProgress p = PartitionProgress.restore(committed);
        assertThat(p.restoredJournalMark()).isEqualTo(30L);
        var call = io.llmpipeline.schemas.AttemptJournalEntry.newBuilder().setRequestId("r").setAttempt(1).setProvider("openai")
                .setModel("gpt-a").setWorkerId("w").setSourceOffset(6).setStartedAtMs(0).setMaxOutputTokens(10).build();
        p.recovered(java.util.Map.of(6L, java.util.List.of(call)), java.util.Map.of(6L, 33L), 50);
        p.taken(5);
        p.taken(6);
        p.finished(5);

        assertThat(PartitionProgress.journalMarkOf(p.toCommit().metadata())).isEqualTo(33L);
        assertThat(p.takeEarlier(6)).containsExactly(call);
        assertThat(p.takeEarlier(6)).isEmpty();
        p.committed();
        p.finished(6);
        assertThat(PartitionProgress.journalMarkOf(p.toCommit().metadata())).isEqualTo(50L);
    }
}
