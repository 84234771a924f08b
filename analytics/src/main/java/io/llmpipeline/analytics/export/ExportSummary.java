package io.llmpipeline.analytics.export;

import java.util.Map;

import org.apache.kafka.common.TopicPartition;

/**
 * What one export pass did.
 *
 * @param records     records written to part files
 * @param rejected    undecodable records, written to {@code rejects/} with the reason
 * @param files       part files committed
 * @param nextOffsets per partition, the first offset the next export starts from
 */
public record ExportSummary(long records, long rejected, int files, Map<TopicPartition, Long> nextOffsets) {
    public ExportSummary {
        nextOffsets = Map.copyOf(nextOffsets);
    }
}
