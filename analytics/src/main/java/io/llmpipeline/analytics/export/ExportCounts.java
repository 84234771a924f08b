package io.llmpipeline.analytics.export;

/** Running totals of one export. */
final class ExportCounts {
    long records;
    long rejected;
    int files;

    ExportSummary summary(java.util.Map<org.apache.kafka.common.TopicPartition, Long> nextOffsets) {
        return new ExportSummary(records, rejected, files, nextOffsets);
    }
}
