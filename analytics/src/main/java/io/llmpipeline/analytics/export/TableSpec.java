package io.llmpipeline.analytics.export;

import java.sql.SQLException;
import java.time.LocalDate;

import org.duckdb.DuckDBAppender;

/**
 * How the records of one topic become rows of one Parquet table: its columns (DuckDB types), how
 * a record is decoded, which UTC day it belongs to, and how it is appended.
 *
 * @param <T> the decoded record
 */
public interface TableSpec<T> {
    /** Folder under the export directory and name of the table or view in reports. */
    String name();

    /** Column definitions for {@code CREATE TABLE name (...)}, in append order. */
    String columns();

    /** Decodes a record value; throws (any RuntimeException) when the bytes are not a record of this table. */
    T decode(byte[] value);

    /** The UTC day the record is filed under: when its money was spent or its answer given. */
    LocalDate day(T record);

    /** Appends one row's columns, every column of {@link #columns()} in order, the Kafka coordinates last (the caller begins and ends the row). */
    void append(DuckDBAppender appender, T record, int partition, long offset) throws SQLException;

    static void appendNullable(DuckDBAppender appender, String value) throws SQLException {
        if (value == null) {
            appender.appendNull();
        } else {
            appender.append(value);
        }
    }

    static void appendNullable(DuckDBAppender appender, Integer value) throws SQLException {
        if (value == null) {
            appender.appendNull();
        } else {
            appender.append(value.intValue());
        }
    }
}
