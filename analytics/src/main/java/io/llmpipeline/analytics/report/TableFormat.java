package io.llmpipeline.analytics.report;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** How a report is printed: an aligned text table, CSV (RFC 4180 quoting) or a JSON array of objects. */
public enum TableFormat {
    TABLE, CSV, JSON;

    private static final ObjectMapper JSON_MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public void print(Table table, PrintStream out) {
        switch (this) {
            case TABLE -> printAligned(table, out);
            case CSV -> {
                out.println(String.join(",", table.columns().stream().map(TableFormat::csv).toList()));
                for (List<Object> row : table.rows()) {
                    out.println(String.join(",", row.stream().map(v -> csv(v == null ? "" : String.valueOf(v))).toList()));
                }
            }
            case JSON -> out.println(json(table));
        }
    }

    public static String json(Table table) {
        List<Map<String, Object>> objects = table.asMaps();
        try {
            return JSON_MAPPER.writeValueAsString(objects);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String csv(String value) {
        return value.contains(",") || value.contains("\"") || value.contains("\n")
                ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
    }

    private static void printAligned(Table table, PrintStream out) {
        int[] widths = new int[table.columns().size()];
        for (int c = 0; c < widths.length; c++) {
            widths[c] = table.columns().get(c).length();
            for (List<Object> row : table.rows()) {
                widths[c] = Math.max(widths[c], String.valueOf(row.get(c)).length());
            }
        }
        StringBuilder header = new StringBuilder();
        for (int c = 0; c < widths.length; c++) {
            header.append(c == 0 ? "" : "  ").append(pad(table.columns().get(c), widths[c], false));
        }
        out.println(header);
        for (List<Object> row : table.rows()) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < widths.length; c++) {
                Object v = row.get(c);
                line.append(c == 0 ? "" : "  ").append(pad(String.valueOf(v), widths[c], v instanceof Number));
            }
            out.println(line);
        }
    }

    private static String pad(String s, int width, boolean right) {
        String spaces = " ".repeat(Math.max(0, width - s.length()));
        return right ? spaces + s : s + spaces;
    }
}
