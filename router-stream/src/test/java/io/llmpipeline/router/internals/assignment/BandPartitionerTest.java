package io.llmpipeline.router.internals.assignment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import org.junit.jupiter.api.Test;

import io.llmpipeline.catalog.CatalogLoader;
import io.llmpipeline.catalog.PriorityBands;
import io.llmpipeline.router.Requests;
import io.llmpipeline.schemas.LlmAssignment;
import io.llmpipeline.schemas.ModelRef;
import io.llmpipeline.schemas.Priority;

class BandPartitionerTest {
    // default bands: CRITICAL 0-1, HIGH 2-3, NORMAL 4-7, LOW 8-9, BULK 10-11
    private final PriorityBands bands = CatalogLoader.loadDefault().bands();
    private final BandPartitioner partitioner = new BandPartitioner(bands);

    @Test
    void shouldPlaceEachPriorityInsideItsOwnBand() {
        for (int i = 0; i < 50; i++) {
            String id = "req-" + i;
            assertThat(partition(id, Priority.CRITICAL)).isBetween(0, 1);
            assertThat(partition(id, Priority.HIGH)).isBetween(2, 3);
            assertThat(partition(id, Priority.NORMAL)).isBetween(4, 7);
            assertThat(partition(id, Priority.LOW)).isBetween(8, 9);
            assertThat(partition(id, Priority.BULK)).isBetween(10, 11);
            assertThat(partition(id, Priority.NORMAL)).isEqualTo(bands.partitionFor(Priority.NORMAL, id));
        }
    }

    private int partition(String id, Priority priority) {
        LlmAssignment a = LlmAssignment.newBuilder().setRequest(Requests.valid(id).setPriority(priority).build())
                .setRoute("").setTarget(new ModelRef("p", "m")).setEstimatedInputTokens(1).setEstimatedCostMicros(1)
                .setAssignedAtMs(0).build();
        Set<Integer> partitions = partitioner.partitions("t", id, a, 12).orElseThrow();
        assertThat(partitions).hasSize(1);
        return partitions.iterator().next();
    }
}
