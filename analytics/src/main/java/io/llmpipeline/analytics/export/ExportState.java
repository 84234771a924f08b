package io.llmpipeline.analytics.export;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.kafka.common.TopicPartition;

/**
 * What an export directory already holds, read from its file names alone: per topic partition,
 * the next offset to export. Leftovers of an export that stopped mid-write (temporary files, the
 * present parts of a range whose other parts never got their names) are removed, so they are
 * never read, and that range is exported again.
 */
public final class ExportState {
    /** Undecodable records, a part of the range they came in. */
    public static final String REJECTS = "rejects";
    static final String TEMP_PREFIX = ".tmp-";

    private final Map<TopicPartition, Long> nextOffsets;
    private final List<PartFile> files;

    private ExportState(Map<TopicPartition, Long> nextOffsets, List<PartFile> files) {
        this.nextOffsets = nextOffsets;
        this.files = files;
    }

    /**
     * Reads {@code dir}, cleans what an interrupted export left behind, and checks that each
     * partition's ranges are complete and contiguous.
     *
     * @throws IllegalStateException naming the files when two ranges overlap, leave a gap, or a
     *                               range other than a partition's last is incomplete
     */
    public static ExportState scan(Path dir) {
        Map<String, List<PartFile>> ranges = new HashMap<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> walk = Files.walk(dir, 3)) {
                for (Path file : walk.filter(Files::isRegularFile).toList()) {
                    if (file.getFileName().toString().startsWith(TEMP_PREFIX)) {
                        Files.delete(file);
                        continue;
                    }
                    PartFile.parse(file).ifPresent(part -> ranges.computeIfAbsent(part.rangeKey(), k -> new ArrayList<>()).add(part));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read export directory " + dir, e);
            }
        }
        Map<TopicPartition, List<List<PartFile>>> byPartition = new HashMap<>();
        ranges.values().forEach(parts -> byPartition.computeIfAbsent(
                new TopicPartition(parts.getFirst().topic(), parts.getFirst().partition()), k -> new ArrayList<>()).add(parts));
        Map<TopicPartition, Long> next = new HashMap<>();
        List<PartFile> committed = new ArrayList<>();
        byPartition.forEach((tp, partitionRanges) -> {
            partitionRanges.sort(Comparator.comparingLong(parts -> parts.getFirst().fromOffset()));
            List<PartFile> last = partitionRanges.getLast();
            if (last.size() != last.getFirst().parts()) {
                // the export stopped between the renames of its last range: write that range again
                last.forEach(p -> delete(p.path(dir)));
                partitionRanges.removeLast();
            }
            for (int i = 0; i < partitionRanges.size(); i++) {
                PartFile range = partitionRanges.get(i).getFirst();
                if (partitionRanges.get(i).size() != range.parts()) {
                    throw new IllegalStateException("export directory " + dir + " is inconsistent: range " + range.rangeKey()
                            + " has " + partitionRanges.get(i).size() + " of its " + range.parts() + " files, and later ranges exist");
                }
                if (i > 0) {
                    PartFile previous = partitionRanges.get(i - 1).getFirst();
                    if (range.fromOffset() != previous.toOffset() + 1) {
                        throw new IllegalStateException("export directory " + dir + " is inconsistent: " + previous.fileName()
                                + " and " + range.fileName() + (range.fromOffset() <= previous.toOffset()
                                ? " overlap (records would count twice)" : " leave a gap (records missing)"));
                    }
                }
                committed.addAll(partitionRanges.get(i));
            }
            if (!partitionRanges.isEmpty()) {
                next.put(tp, partitionRanges.getLast().getFirst().toOffset() + 1);
            }
        });
        return new ExportState(Map.copyOf(next), List.copyOf(committed));
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove uncommitted " + file, e);
        }
    }

    /** The first offset not yet exported, or null when nothing of this partition is. */
    public Long nextOffset(TopicPartition partition) {
        return nextOffsets.get(partition);
    }

    public Map<TopicPartition, Long> nextOffsets() {
        return nextOffsets;
    }

    /** Part files of complete ranges, rejects included. */
    public List<PartFile> files() {
        return files;
    }
}
