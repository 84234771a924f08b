package io.llmpipeline.analytics.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.llmpipeline.analytics.export.InvocationTable;
import io.llmpipeline.analytics.export.ResultTable;
import io.llmpipeline.analytics.export.TableSpec;

/**
 * An in-memory DuckDB over an export directory: views {@code invocations} and {@code results}
 * read the committed part files (temporary files never match), with the {@code day} partition
 * column. A table with no file yet is an empty table of the same columns, so every report runs.
 */
public final class AnalyticsStore implements AutoCloseable {
    private final Connection connection;

    private AnalyticsStore(Connection connection) {
        this.connection = connection;
    }

    public static AnalyticsStore open(Path exportDir) {
        try {
            Connection connection = DriverManager.getConnection("jdbc:duckdb:");
            AnalyticsStore store = new AnalyticsStore(connection);
            store.view(exportDir, new InvocationTable());
            store.view(exportDir, new ResultTable(null));
            return store;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open DuckDB over " + exportDir, e);
        }
    }

    private void view(Path dir, TableSpec<?> spec) throws SQLException {
        Path tableDir = dir.resolve(spec.name());
        boolean any;
        try (Stream<Path> files = Files.isDirectory(tableDir) ? Files.walk(tableDir, 2) : Stream.empty()) {
            any = files.anyMatch(f -> f.getFileName().toString().startsWith("part-") && f.toString().endsWith(".parquet"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (Statement s = connection.createStatement()) {
            if (any) {
                String glob = tableDir.toAbsolutePath().toString().replace("'", "''") + "/day=*/part-*.parquet";
                s.execute("CREATE VIEW " + spec.name() + " AS SELECT * FROM read_parquet('" + glob
                        + "', hive_partitioning = true, hive_types = {'day': DATE}, union_by_name = true)");
            } else {
                s.execute("CREATE TABLE " + spec.name() + " (" + spec.columns() + ", day DATE)");
            }
        }
    }

    /** Runs a query; parameters bind to {@code ?} in order. */
    public Table query(String sql, Object... parameters) {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                ResultSetMetaData meta = rows.getMetaData();
                List<String> columns = new ArrayList<>();
                for (int c = 1; c <= meta.getColumnCount(); c++) {
                    columns.add(meta.getColumnLabel(c));
                }
                List<List<Object>> data = new ArrayList<>();
                while (rows.next()) {
                    List<Object> row = new ArrayList<>(columns.size());
                    for (int c = 1; c <= columns.size(); c++) {
                        row.add(plain(rows.getObject(c)));
                    }
                    data.add(row);
                }
                return new Table(columns, data);
            }
        } catch (SQLException e) {
            throw new ReportException(e.getMessage(), e);
        }
    }

    /** DuckDB hands out HUGEINT sums as BigInteger and dates as LocalDate; reports want plain values. */
    private static Object plain(Object value) {
        if (value instanceof java.math.BigInteger big) {
            return big.longValueExact();
        }
        if (value instanceof java.math.BigDecimal decimal && decimal.scale() == 0) {
            return decimal.longValueExact();
        }
        if (value instanceof java.sql.Date date) {
            return date.toLocalDate().toString();
        }
        if (value instanceof java.time.temporal.TemporalAccessor || value instanceof java.sql.Timestamp) {
            return value.toString();
        }
        return value;
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
