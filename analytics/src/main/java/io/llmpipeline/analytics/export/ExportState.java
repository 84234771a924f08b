package io.llmpipeline.analytics.export;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.apache.kafka.common.TopicPartition;

/**
 * What an export directory already holds, read from its file names alone: per topic partition,
 * the next offset to export. Leftovers of an export that stopped mid-write (temporary files, a
 * rejects file whose part file never got its name) are removed, so they are never read twice.
 */
public final class ExportState {
    /** Undecodable records of a chunk, written just before the chunk's part file. */
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
     * partition's files form one contiguous range.
     *
     * @throws IllegalStateException naming the files when two ranges overlap or leave a gap
     */
    public static ExportState scan(Path dir) {
        List<PartFile> parts = new ArrayList<>();
        List<PartFile> rejects = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> walk = Files.walk(dir, 3)) {
                for (Path file : walk.filter(Files::isRegularFile).toList()) {
                    if (file.getFileName().toString().startsWith(TEMP_PREFIX)) {
                        Files.delete(file);
                        continue;
                    }
                    PartFile.parse(file).ifPresent(part -> (part.table().equals(REJECTS) ? rejects : parts).add(part));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read export directory " + dir, e);
            }
        }
        Set<String> committedRanges = new HashSet<>();
        parts.forEach(p -> committedRanges.add(rangeKey(p)));
        for (PartFile reject : rejects) {
            if (!committedRanges.contains(rangeKey(reject))) {
                try {
                    Files.deleteIfExists(reject.path(dir));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot remove uncommitted " + reject.path(dir), e);
                }
            }
        }
        Map<TopicPartition, List<PartFile>> byPartition = new HashMap<>();
        parts.forEach(p -> byPartition.computeIfAbsent(new TopicPartition(p.topic(), p.partition()), k -> new ArrayList<>()).add(p));
        Map<TopicPartition, Long> next = new HashMap<>();
        byPartition.forEach((tp, files) -> {
            files.sort(Comparator.comparingLong(PartFile::fromOffset));
            for (int i = 1; i < files.size(); i++) {
                if (files.get(i).fromOffset() != files.get(i - 1).toOffset() + 1) {
                    throw new IllegalStateException("export directory " + dir + " is inconsistent: " + files.get(i - 1).fileName()
                            + " and " + files.get(i).fileName() + (files.get(i).fromOffset() <= files.get(i - 1).toOffset()
                            ? " overlap (records would count twice)" : " leave a gap (records missing)"));
                }
            }
            next.put(tp, files.getLast().toOffset() + 1);
        });
        return new ExportState(Map.copyOf(next), List.copyOf(parts));
    }

    private static String rangeKey(PartFile p) {
        return p.topic() + "/" + p.partition() + "/" + p.fromOffset() + "/" + p.toOffset();
    }

    /** The first offset not yet exported, or null when nothing of this partition is. */
    public Long nextOffset(TopicPartition partition) {
        return nextOffsets.get(partition);
    }

    public Map<TopicPartition, Long> nextOffsets() {
        return nextOffsets;
    }

    /** Committed part files (rejects excluded). */
    public List<PartFile> files() {
        return files;
    }
}
