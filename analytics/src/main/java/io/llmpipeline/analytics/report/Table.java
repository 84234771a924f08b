package io.llmpipeline.analytics.report;

import java.util.List;

/** A query's answer: column names and rows of plain values (String, Long, Integer, Double, Boolean, null). */
public record Table(List<String> columns, List<List<Object>> rows) {
    public Table {
        columns = List.copyOf(columns);
        rows = rows.stream().map(r -> java.util.Collections.unmodifiableList(new java.util.ArrayList<>(r))).toList();
    }

    public int column(String name) {
        int index = columns.indexOf(name);
        if (index < 0) {
            throw new IllegalArgumentException("no column " + name + " in " + columns);
        }
        return index;
    }

    /** The sum of a column of whole numbers. */
    public long sum(String name) {
        int c = column(name);
        return rows.stream().mapToLong(r -> r.get(c) == null ? 0 : ((Number) r.get(c)).longValue()).sum();
    }
}
