package io.llmpipeline.analytics.export;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.apache.kafka.common.TopicPartition;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Writes Parquet through an in-memory DuckDB: rows are appended to a staging table (native
 * memory, not the Java heap), then {@code COPY ... TO} temporary files, one per UTC day, that are
 * synced and renamed into place only once all of them are written, so a reader sees whole files
 * and the next export sees a whole range or an incomplete one it writes again.
 */
final class ParquetSink implements AutoCloseable {
    /** The staging table's last column: the UTC day a row is filed under. */
    static final String DAY_COLUMN = "export_day";
    private static final String REJECTS_STAGING = "rejects_staging";
    private final DuckDBConnection connection;

    ParquetSink(String memoryLimit) {
        try {
            connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
            execute("SET memory_limit='" + memoryLimit + "'");
            execute("SET preserve_insertion_order=false");
            execute("CREATE TABLE " + REJECTS_STAGING + " (topic VARCHAR, kafka_partition INTEGER, kafka_offset BIGINT,"
                    + " timestamp_ms BIGINT, reason VARCHAR, value_base64 VARCHAR)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot start DuckDB", e);
        }
    }

    void createStaging(String table, String columns) throws SQLException {
        execute("CREATE OR REPLACE TABLE " + table + " (" + columns + ", " + DAY_COLUMN + " DATE)");
    }

    DuckDBAppender appender(String table) throws SQLException {
        return connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, table);
    }

    /**
     * Writes the staging table's rows as the range {@code [from, to]} of a partition: one file per
     * day under {@code tableName}, plus one under {@code rejects/} when there are rejects; then
     * empties the staging table.
     *
     * @return files written
     */
    int commit(String staging, String tableName, List<RejectedRecord> rejects, TopicPartition tp, long from, long to, Path dir)
            throws SQLException {
        List<LocalDate> days = new ArrayList<>();
        try (Statement s = connection.createStatement();
             ResultSet rows = s.executeQuery("SELECT DISTINCT " + DAY_COLUMN + " FROM " + staging + " ORDER BY 1")) {
            while (rows.next()) {
                days.add(rows.getObject(1, LocalDate.class));
            }
        }
        int parts = days.size() + (rejects.isEmpty() ? 0 : 1);
        List<Path[]> renames = new ArrayList<>();
        for (int i = 0; i < days.size(); i++) {
            Path target = new PartFile(tableName, days.get(i), tp.topic(), tp.partition(), from, to, i + 1, parts).path(dir);
            renames.add(new Path[] {copy("(SELECT * EXCLUDE (" + DAY_COLUMN + ") FROM " + staging + " WHERE " + DAY_COLUMN
                    + " = DATE '" + days.get(i) + "')", target), target});
        }
        if (!rejects.isEmpty()) {
            stageRejects(rejects);
            LocalDate day = LocalDate.ofInstant(Instant.ofEpochMilli(Math.max(0, rejects.getFirst().timestampMs())), ZoneOffset.UTC);
            Path target = new PartFile(ExportState.REJECTS, day, tp.topic(), tp.partition(), from, to, parts, parts).path(dir);
            renames.add(new Path[] {copy(REJECTS_STAGING, target), target});
            execute("DELETE FROM " + REJECTS_STAGING);
        }
        try {
            for (Path[] rename : renames) {
                Files.move(rename[0], rename[1], StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rename a part file into place in " + dir, e);
        }
        execute("DELETE FROM " + staging);
        return parts;
    }

    /** COPY to a synced temporary file beside {@code target}; returns the temporary file. */
    private Path copy(String source, Path target) throws SQLException {
        Path temp = target.resolveSibling(ExportState.TEMP_PREFIX + target.getFileName());
        try {
            Files.createDirectories(target.getParent());
            execute("COPY " + source + " TO '" + sqlPath(temp) + "' (FORMAT PARQUET, COMPRESSION ZSTD)");
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + temp, e);
        }
        return temp;
    }

    private void stageRejects(List<RejectedRecord> rejects) throws SQLException {
        try (DuckDBAppender a = appender(REJECTS_STAGING)) {
            for (RejectedRecord r : rejects) {
                a.beginRow().append(r.topic()).append(r.partition()).append(r.offset()).append(r.timestampMs()).append(r.reason())
                        .append(r.value() == null ? "" : Base64.getEncoder().encodeToString(r.value())).endRow();
            }
        }
    }

    private void execute(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    static String sqlPath(Path path) {
        return path.toAbsolutePath().toString().replace("'", "''");
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot close DuckDB", e);
        }
    }
}
