package io.llmpipeline.analytics.export;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.duckdb.DuckDBAppender;

/**
 * The records of one topic partition read since its last committed range, appended to a DuckDB
 * staging table as they arrive (with the UTC day each is filed under), written as one range when
 * full, when old enough, or at the end of a pass.
 */
final class PartitionChunk<T> {
    private final TopicPartition partition;
    private final TableSpec<T> spec;
    private final ParquetSink sink;
    private final String staging;
    private final List<RejectedRecord> rejects = new ArrayList<>();
    private DuckDBAppender appender;
    private long from;
    private int rows;
    private long openedAtMs;

    PartitionChunk(TopicPartition partition, TableSpec<T> spec, ParquetSink sink, String staging, long from) throws SQLException {
        this.partition = partition;
        this.spec = spec;
        this.sink = sink;
        this.staging = staging;
        this.from = from;
        sink.createStaging(staging, spec.columns());
    }

    TopicPartition partition() {
        return partition;
    }

    long from() {
        return from;
    }

    boolean isEmpty() {
        return rows == 0 && rejects.isEmpty();
    }

    int rows() {
        return rows;
    }

    long openedAtMs() {
        return openedAtMs;
    }

    /** Adds one record, or keeps it as a reject with the reason when it cannot be decoded. */
    void add(ConsumerRecord<byte[], byte[]> record, long nowMs, ExportCounts counts) throws SQLException {
        if (isEmpty()) {
            openedAtMs = nowMs;
        }
        T value;
        try {
            if (record.value() == null) {
                throw new IllegalArgumentException("no value (a tombstone)");
            }
            value = spec.decode(record.value());
        } catch (RuntimeException e) {
            rejects.add(new RejectedRecord(record.topic(), record.partition(), record.offset(), record.timestamp(),
                    e.getClass().getSimpleName() + ": " + e.getMessage(), record.value()));
            counts.rejected++;
            return;
        }
        if (appender == null) {
            appender = sink.appender(staging);
        }
        appender.beginRow();
        spec.append(appender, value, record.partition(), record.offset());
        appender.append(spec.day(value));
        appender.endRow();
        rows++;
        counts.records++;
    }

    /** Writes the chunk as the range {@code [from, to]} and starts the next one at {@code to + 1}; nothing when empty. */
    void commit(Path dir, long to, ExportCounts counts) throws SQLException {
        if (isEmpty()) {
            return;
        }
        if (appender != null) {
            appender.close();
            appender = null;
        }
        counts.files += sink.commit(staging, spec.name(), rejects, partition, from, to, dir);
        rejects.clear();
        from = to + 1;
        rows = 0;
    }

    void close() throws SQLException {
        if (appender != null) {
            appender.close();
            appender = null;
        }
    }
}
