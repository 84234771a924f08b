package io.llmpipeline.worker.loop;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.llmpipeline.schemas.Priority;
import io.llmpipeline.testsupport.MutableClock;

class BandedBacklogTest {
    private final MutableClock clock = MutableClock.atEpochMs(0);

    @Test
    void shouldServeHigherBandsFirst() {
        BandedBacklog<String> backlog = new BandedBacklog<>(clock, 10_000);
        backlog.add(Priority.BULK, "bulk-1");
        backlog.add(Priority.NORMAL, "normal-1");
        backlog.add(Priority.CRITICAL, "critical-1");
        backlog.add(Priority.BULK, "bulk-2");

        assertThat(backlog.poll()).isEqualTo("critical-1");
        assertThat(backlog.poll()).isEqualTo("normal-1");
        assertThat(backlog.poll()).isEqualTo("bulk-1");
        assertThat(backlog.poll()).isEqualTo("bulk-2");
        assertThat(backlog.poll()).isNull();
    }

    @Test
    void shouldLetAWaitingLowBandOvertakeFreshHighWorkAfterAging() {
        BandedBacklog<String> backlog = new BandedBacklog<>(clock, 10_000);
        backlog.add(Priority.BULK, "old-bulk");
        // BULK is 4 bands below CRITICAL: after 40 s of waiting it ranks with fresh CRITICAL work and wins the tie
        clock.advanceMs(40_000);
        backlog.add(Priority.CRITICAL, "new-critical");

        assertThat(backlog.poll()).isEqualTo("old-bulk");
        assertThat(backlog.poll()).isEqualTo("new-critical");
    }

    @Test
    void shouldKeepFreshHighWorkAheadOfLowWorkThatHasNotAgedEnough() {
        BandedBacklog<String> backlog = new BandedBacklog<>(clock, 10_000);
        backlog.add(Priority.BULK, "bulk");
        clock.advanceMs(25_000);
        backlog.add(Priority.HIGH, "high");

        assertThat(backlog.poll()).isEqualTo("high");
    }

    @Test
    void shouldDropTheWorkOfARevokedPartition() {
        BandedBacklog<String> backlog = new BandedBacklog<>(clock, 10_000);
        backlog.add(Priority.NORMAL, "p1-a");
        backlog.add(Priority.NORMAL, "p2-a");
        backlog.add(Priority.LOW, "p1-b");

        backlog.removeIf(s -> s.startsWith("p1"));

        assertThat(backlog.size()).isEqualTo(1);
        assertThat(backlog.poll()).isEqualTo("p2-a");
    }
}
