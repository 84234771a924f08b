package io.llmpipeline.analytics.export;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.duckdb.DuckDBAppender;

/**
 * The records of one topic partition read since its last committed file: all of one UTC day,
 * appended to a DuckDB staging table as they arrive, written as one part file when full, when
 * the day changes, when old enough, or at the end of a pass.
 */
final class PartitionChunk<T> {
    private final TopicPartition partition;
    private final TableSpec<T> spec;
    private final ParquetSink sink;
    private final String staging;
    private final List<RejectedRecord> rejects = new ArrayList<>();
    private DuckDBAppender appender;
    private long from;
    private LocalDate day;
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

    /**
     * Adds one record, first writing what the chunk holds when the record belongs to another day.
     *
     * @return files committed before the record was added (0 or 1)
     */
    int add(ConsumerRecord<byte[], byte[]> record, Path dir, long nowMs, ExportCounts counts) throws SQLException {
        T value = null;
        String rejection = null;
        LocalDate recordDay;
        try {
            if (record.value() == null) {
                throw new IllegalArgumentException("no value (a tombstone)");
            }
            value = spec.decode(record.value());
            recordDay = spec.day(value);
        } catch (RuntimeException e) {
            value = null;
            rejection = e.getClass().getSimpleName() + ": " + e.getMessage();
            recordDay = LocalDate.ofInstant(Instant.ofEpochMilli(Math.max(0, record.timestamp())), ZoneOffset.UTC);
        }
        int committed = 0;
        if (!isEmpty() && !recordDay.equals(day)) {
            committed = commit(dir, record.offset() - 1, counts);
        }
        if (isEmpty()) {
            day = recordDay;
            openedAtMs = nowMs;
        }
        if (value == null) {
            rejects.add(new RejectedRecord(record.topic(), record.partition(), record.offset(), record.timestamp(),
                    rejection, record.value()));
            counts.rejected++;
            return committed;
        }
        if (appender == null) {
            appender = sink.appender(staging);
        }
        spec.append(appender, value, record.partition(), record.offset());
        rows++;
        counts.records++;
        return committed;
    }

    /**
     * Writes the chunk as the file covering {@code [from, to]} and starts the next one at {@code to + 1}.
     *
     * @return files committed (0 when the chunk held nothing)
     */
    int commit(Path dir, long to, ExportCounts counts) throws SQLException {
        if (isEmpty()) {
            return 0;
        }
        if (appender != null) {
            appender.close();
            appender = null;
        }
        if (!rejects.isEmpty()) {
            sink.writeRejects(rejects, new PartFile(ExportState.REJECTS, day, partition.topic(), partition.partition(), from, to).path(dir));
            rejects.clear();
        }
        sink.commit(staging, new PartFile(spec.name(), day, partition.topic(), partition.partition(), from, to).path(dir));
        counts.files++;
        from = to + 1;
        rows = 0;
        day = null;
        return 1;
    }

    void close() throws SQLException {
        if (appender != null) {
            appender.close();
            appender = null;
        }
    }
}
