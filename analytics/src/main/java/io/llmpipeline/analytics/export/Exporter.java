package io.llmpipeline.analytics.export;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import io.llmpipeline.catalog.Catalog;

/**
 * Exports {@code llm.invocations} and {@code llm.results} to Parquet, exactly once: each file
 * carries its partition's offset range in its name and is renamed into place whole, the next run
 * resumes at the highest range's end + 1 ({@link ExportState}), so a restart after any crash
 * writes no record twice and skips none. Reads committed records only (read_committed): an
 * aborted worker transaction is never billed twice in the reports.
 *
 * <p>Records marked {@code llm-router-ignore} are exported like any other: that header says the
 * router has no use for its own result (a cache hit, a replay), not that the result is not real,
 * and cache hits are exactly where the cache savings are.
 */
public final class Exporter implements AutoCloseable {
    private final Path dir;
    private final Options options;
    private final ExportLock lock;
    private final ParquetSink sink;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<TopicPartition, PartitionChunk<?>> chunks = new LinkedHashMap<>();
    private final ExportCounts counts = new ExportCounts();

    private Exporter(Catalog catalog, String bootstrapServers, Path dir, Options options) {
        this.dir = dir;
        this.options = options;
        this.lock = ExportLock.acquire(dir);
        Map<String, Object> config = new HashMap<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, "llm-analytics-export",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000));
        config.putAll(options.consumerOverrides());
        KafkaConsumer<byte[], byte[]> kafka;
        try {
            kafka = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        this.consumer = kafka;
        this.sink = new ParquetSink(options.duckdbMemoryLimit());
        try {
            ExportState state = ExportState.scan(dir);
            List<TableSpec<?>> tables = List.of(new InvocationTable(), new ResultTable(catalog));
            List<String> topics = List.of(catalog.topics().invocations(), catalog.topics().results());
            for (int t = 0; t < tables.size(); t++) {
                addTopic(topics.get(t), tables.get(t), state);
            }
        } catch (RuntimeException | SQLException e) {
            close();
            throw e instanceof RuntimeException r ? r : new IllegalStateException("cannot prepare the export", e);
        }
    }

    public static Exporter create(Catalog catalog, String bootstrapServers, Path dir, Options options) {
        return new Exporter(catalog, bootstrapServers, dir, options);
    }

    private <T> void addTopic(String topic, TableSpec<T> spec, ExportState state) throws SQLException {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, options.metadataTimeout()).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        Map<TopicPartition, Long> beginning = consumer.beginningOffsets(partitions);
        List<TopicPartition> assigned = new ArrayList<>(chunks.keySet());
        assigned.addAll(partitions);
        consumer.assign(assigned);
        for (TopicPartition tp : partitions) {
            Long next = state.nextOffset(tp);
            long first = beginning.get(tp);
            if (next != null && next < first) {
                throw new IllegalStateException(tp + ": offsets " + next + " to " + (first - 1)
                        + " were deleted by retention before they were exported; the export cannot be complete."
                        + " Export to a new directory to start again from offset " + first);
            }
            long from = next == null ? first : next;
            consumer.seek(tp, from);
            chunks.put(tp, new PartitionChunk<>(tp, spec, sink, "stage_" + chunks.size(), from));
        }
    }

    /** Exports every committed record up to the topics' ends as of now, then writes what it holds. */
    public ExportSummary runOnce() {
        Map<TopicPartition, Long> end = consumer.endOffsets(chunks.keySet());
        long lastProgress = options.clock().millis();
        Map<TopicPartition, Long> lastPositions = positions();
        try {
            while (chunks.keySet().stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                pollOnce();
                Map<TopicPartition, Long> now = positions();
                if (!now.equals(lastPositions)) {
                    lastPositions = now;
                    lastProgress = options.clock().millis();
                } else if (options.clock().millis() - lastProgress > options.stallTimeout().toMillis()) {
                    throw new IllegalStateException("export made no progress for " + options.stallTimeout()
                            + "; positions " + now + ", ends " + end);
                }
            }
            commitAll(false);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write Parquet to " + dir, e);
        }
        return counts.summary(positions());
    }

    /** Exports as records arrive until {@code stop} says so; a chunk is written once it is {@code flushInterval} old. */
    public ExportSummary follow(BooleanSupplier stop) {
        try {
            while (!stop.getAsBoolean()) {
                pollOnce();
                commitAll(true);
            }
            commitAll(false);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write Parquet to " + dir, e);
        }
        return counts.summary(positions());
    }

    private void pollOnce() throws SQLException {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(options.pollTimeout());
        long now = options.clock().millis();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            PartitionChunk<?> chunk = chunks.get(new TopicPartition(record.topic(), record.partition()));
            chunk.add(record, now, counts);
            if (chunk.rows() >= options.maxRowsPerFile()) {
                chunk.commit(dir, record.offset(), counts);
            }
        }
    }

    /** Writes each chunk that holds records (only those {@code flushInterval} old when {@code onlyOld}). */
    private void commitAll(boolean onlyOld) throws SQLException {
        long now = options.clock().millis();
        for (PartitionChunk<?> chunk : chunks.values()) {
            if (!chunk.isEmpty() && (!onlyOld || now - chunk.openedAtMs() >= options.flushInterval().toMillis())) {
                // the position is past every record handed to the chunk and past any transaction markers after them
                chunk.commit(dir, consumer.position(chunk.partition()) - 1, counts);
            }
        }
    }

    private Map<TopicPartition, Long> positions() {
        Map<TopicPartition, Long> positions = new HashMap<>();
        chunks.forEach((tp, chunk) -> positions.put(tp, chunk.isEmpty() ? chunk.from() : consumer.position(tp)));
        return positions;
    }

    @Override
    public void close() {
        for (PartitionChunk<?> chunk : chunks.values()) {
            try {
                chunk.close();
            } catch (SQLException e) {
                // the staging table dies with the connection; nothing of it was committed
            }
        }
        consumer.close(java.time.Duration.ofSeconds(5));
        sink.close();
        lock.close();
    }

    /**
     * @param maxRowsPerFile    a partition's chunk is written once it holds this many rows
     * @param flushInterval     in follow mode, a chunk is written once it is this old
     * @param pollTimeout       one poll's wait
     * @param stallTimeout      a one-pass export fails when its positions do not move for this long
     * @param metadataTimeout   wait for topic metadata
     * @param duckdbMemoryLimit DuckDB's memory limit (native memory, outside the Java heap)
     * @param clock             time of flushes and stalls
     * @param consumerOverrides extra Kafka consumer settings
     */
    public record Options(int maxRowsPerFile, Duration flushInterval, Duration pollTimeout, Duration stallTimeout,
                          Duration metadataTimeout, String duckdbMemoryLimit, Clock clock,
                          Map<String, Object> consumerOverrides) {
        public static Options defaults() {
            return new Options(250_000, Duration.ofSeconds(60), Duration.ofMillis(500), Duration.ofMinutes(2),
                    Duration.ofSeconds(30), "512MB", Clock.systemUTC(), Map.of());
        }

        public Options withMaxRowsPerFile(int rows) {
            return new Options(rows, flushInterval, pollTimeout, stallTimeout, metadataTimeout, duckdbMemoryLimit, clock, consumerOverrides);
        }

        public Options withFlushInterval(Duration interval) {
            return new Options(maxRowsPerFile, interval, pollTimeout, stallTimeout, metadataTimeout, duckdbMemoryLimit, clock, consumerOverrides);
        }
    }
}
