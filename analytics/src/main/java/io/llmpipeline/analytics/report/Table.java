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

    /** Each row as a map from column name to value, in column order (for JSON). */
    public List<java.util.Map<String, Object>> asMaps() {
        List<java.util.Map<String, Object>> maps = new java.util.ArrayList<>();
        for (List<Object> row : rows) {
            java.util.Map<String, Object> map = new java.util.LinkedHashMap<>();
            for (int c = 0; c < columns.size(); c++) {
                map.put(columns.get(c), row.get(c));
            }
            maps.add(map);
        }
        return maps;
    }

    /** The sum of a column of whole numbers. */
    public long sum(String name) {
        int c = column(name);
        return rows.stream().mapToLong(r -> r.get(c) == null ? 0 : ((Number) r.get(c)).longValue()).sum();
    }
}
