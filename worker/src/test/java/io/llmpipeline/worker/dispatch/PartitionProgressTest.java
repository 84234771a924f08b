package io.llmpipeline.worker.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PartitionProgressTest {

    @Test
    void shouldCommitOnlyUpToTheFirstUnfinishedOffset() {
        PartitionProgress p = new PartitionProgress();
        p.taken(10);
        p.taken(11);
        p.taken(12);

        p.finished(11);
        p.finished(12);
        assertThat(p.toCommit()).isEqualTo(-1);

        p.finished(10);
        assertThat(p.toCommit()).isEqualTo(13);
        assertThat(p.open()).isZero();
    }

    @Test
    void shouldSkipOffsetGapsLeftByTransactionMarkers() {
        PartitionProgress p = new PartitionProgress();
        p.taken(4);
        p.taken(6);
        p.finished(4);
        assertThat(p.toCommit()).isEqualTo(5);
        p.committed(5);
        assertThat(p.toCommit()).isEqualTo(-1);
        p.finished(6);
        assertThat(p.toCommit()).isEqualTo(7);
    }
}
