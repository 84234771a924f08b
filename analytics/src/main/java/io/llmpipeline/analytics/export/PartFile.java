package io.llmpipeline.analytics.export;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One committed Parquet file: the records of one topic partition in the offset range
 * {@code [fromOffset, toOffset]} that belong to one UTC day (or, under {@code rejects/}, that
 * could not be decoded). A range is written as {@code parts} files, one per day it touches plus
 * one for its rejects; it counts as committed only when all of them exist. The names are the
 * commit record: consecutive ranges of a partition are contiguous, so the next export starts at
 * the highest {@code toOffset + 1}, and a gap, an overlap or a half-written range is visible in a
 * directory listing.
 *
 * <p>Layout: {@code <table>/day=YYYY-MM-DD/part-<topic>-<partition>-<from>-<to>-<part>of<parts>.parquet}.
 */
public record PartFile(String table, LocalDate day, String topic, int partition, long fromOffset, long toOffset,
                       int part, int parts) {
    private static final Pattern NAME = Pattern.compile("part-(.+)-(\\d+)-(\\d+)-(\\d+)-(\\d+)of(\\d+)\\.parquet");

    public PartFile {
        if (fromOffset < 0 || toOffset < fromOffset) {
            throw new IllegalArgumentException("bad offset range " + fromOffset + ".." + toOffset);
        }
        if (part < 1 || part > parts) {
            throw new IllegalArgumentException("bad part " + part + " of " + parts);
        }
    }

    public String fileName() {
        return "part-" + topic + "-" + partition + "-" + fromOffset + "-" + toOffset + "-" + part + "of" + parts + ".parquet";
    }

    /** Where the file lives under the export directory. */
    public Path path(Path exportDir) {
        return exportDir.resolve(table).resolve("day=" + day).resolve(fileName());
    }

    /** The range this file is a part of: {@code topic/partition/from/to}. */
    public String rangeKey() {
        return topic + "/" + partition + "/" + fromOffset + "/" + toOffset;
    }

    /** The file a path names, if it is a part file ({@code <table>/day=.../part-...parquet}). */
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
                    Integer.parseInt(name.group(2)), Long.parseLong(name.group(3)), Long.parseLong(name.group(4)),
                    Integer.parseInt(name.group(5)), Integer.parseInt(name.group(6))));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
