package io.llmpipeline.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.llmpipeline.schemas.Priority;

class PriorityBandsTest {
    @Test
    void shouldSpreadTwelvePartitionsWithTheLargestBandForNormal() {
        Map<Priority, Integer> bands = PriorityBands.spread(12);
        assertThat(bands.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(12);
        assertThat(bands).allSatisfy((p, n) -> assertThat(n).isPositive());
        assertThat(bands.get(Priority.NORMAL)).isEqualTo(4);
    }

    @Test
    void shouldLayBandsOutHighestPriorityFirst() {
        PriorityBands bands = PriorityBands.of(PriorityBands.spread(12));
        assertThat(bands.firstPartition(Priority.CRITICAL)).isZero();
        assertThat(bands.priorityOf(11)).isEqualTo(Priority.BULK);
        assertThat(bands.firstPartition(Priority.HIGH)).isEqualTo(bands.bandSize(Priority.CRITICAL));
    }

    @Test
    void shouldRefuseFewerPartitionsThanPriorities() {
        assertThatThrownBy(() -> PriorityBands.spread(3)).hasMessageContaining("one per priority");
    }
}
