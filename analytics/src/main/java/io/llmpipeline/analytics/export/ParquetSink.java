package io.llmpipeline.analytics.export;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.List;

import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Writes Parquet through an in-memory DuckDB: rows are appended to a staging table (native
 * memory, not the Java heap), then {@code COPY ... TO} a temporary file that is synced and
 * renamed into place atomically, so a reader (or the next export) sees a whole file or none.
 */
final class ParquetSink implements AutoCloseable {
    private final DuckDBConnection connection;

    ParquetSink(String memoryLimit) {
        try {
            connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
            try (Statement s = connection.createStatement()) {
                s.execute("SET memory_limit='" + memoryLimit + "'");
                s.execute("SET preserve_insertion_order=false");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot start DuckDB", e);
        }
    }

    void createStaging(String table, String columns) throws SQLException {
        execute("CREATE OR REPLACE TABLE " + table + " (" + columns + ")");
    }

    DuckDBAppender appender(String table) throws SQLException {
        return connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, table);
    }

    /** Writes the staging table to {@code target} (atomically) and empties it. */
    void commit(String table, Path target) throws SQLException {
        Path temp = target.resolveSibling(ExportState.TEMP_PREFIX + target.getFileName());
        try {
            Files.createDirectories(target.getParent());
            execute("COPY " + table + " TO '" + sqlPath(temp) + "' (FORMAT PARQUET, COMPRESSION ZSTD)");
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
        execute("DELETE FROM " + table);
    }

    /** Writes undecodable records (with the reason and the bytes, base64) next to the chunk they came in. */
    void writeRejects(List<RejectedRecord> rejects, Path target) throws SQLException {
        String table = "rejects_staging";
        createStaging(table, "topic VARCHAR, kafka_partition INTEGER, kafka_offset BIGINT, timestamp_ms BIGINT, reason VARCHAR, value_base64 VARCHAR");
        try (DuckDBAppender a = appender(table)) {
            for (RejectedRecord r : rejects) {
                a.beginRow().append(r.topic()).append(r.partition()).append(r.offset()).append(r.timestampMs()).append(r.reason())
                        .append(r.value() == null ? "" : Base64.getEncoder().encodeToString(r.value())).endRow();
            }
        }
        commit(table, target);
    }

    Connection connection() {
        return connection;
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
