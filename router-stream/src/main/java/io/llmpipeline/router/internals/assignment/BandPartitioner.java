package io.llmpipeline.router.internals.assignment;

import java.util.Optional;
import java.util.Set;

import org.apache.kafka.streams.processor.StreamPartitioner;

import io.llmpipeline.catalog.PriorityBands;
import io.llmpipeline.schemas.LlmAssignment;

/** Puts each assignment into its request's priority band, so the worker can serve bands in order. */
public final class BandPartitioner implements StreamPartitioner<String, LlmAssignment> {
    private final PriorityBands bands;

    public BandPartitioner(PriorityBands bands) {
        this.bands = bands;
    }

    @Override
    public Optional<Set<Integer>> partitions(String topic, String key, LlmAssignment value, int numPartitions) {
        // a topic smaller than the bands (created by hand) still gets every record, just without banding
        int partition = bands.partitionFor(value.getRequest().getPriority(), key);
        return Optional.of(Set.of(numPartitions == bands.totalPartitions() ? partition : partition % numPartitions));
    }
}
