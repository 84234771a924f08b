package io.llmpipeline.analytics.export;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One committed Parquet file: the records of one topic partition in the offset range
 * {@code [fromOffset, toOffset]}, all of one UTC day. The name is the commit record: consecutive
 * files of a partition have contiguous ranges, so the next export starts at the highest
 * {@code toOffset + 1} and a gap or an overlap is visible in a directory listing.
 *
 * <p>Layout: {@code <table>/day=YYYY-MM-DD/part-<topic>-<partition>-<from>-<to>.parquet}.
 */
public record PartFile(String table, LocalDate day, String topic, int partition, long fromOffset, long toOffset) {
    private static final Pattern NAME = Pattern.compile("part-(.+)-(\\d+)-(\\d+)-(\\d+)\\.parquet");

    public PartFile {
        if (fromOffset < 0 || toOffset < fromOffset) {
            throw new IllegalArgumentException("bad offset range " + fromOffset + ".." + toOffset);
        }
    }

    public String fileName() {
        return "part-" + topic + "-" + partition + "-" + fromOffset + "-" + toOffset + ".parquet";
    }

    /** Where the file lives under the export directory. */
    public Path path(Path exportDir) {
        return exportDir.resolve(table).resolve("day=" + day).resolve(fileName());
    }

    /** The file a path names, if it is a committed part file ({@code <table>/day=.../part-...parquet}). */
    public static Optional<PartFile> parse(Path file) {
        Matcher name = NAME.matcher(file.getFileName().toString());
        Path dayDir = file.getParent();
        if (!name.matches() || dayDir == null || dayDir.getParent() == null
                || !dayDir.getFileName().toString().startsWith("day=")) {
            return Optional.empty();
        }
        try {
            return Optional.of(new PartFile(dayDir.getParent().getFileName().toString(),
                    LocalDate.parse(dayDir.getFileName().toString().substring(4)), name.group(1),
                    Integer.parseInt(name.group(2)), Long.parseLong(name.group(3)), Long.parseLong(name.group(4))));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
