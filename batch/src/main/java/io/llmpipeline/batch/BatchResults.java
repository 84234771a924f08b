package io.llmpipeline.batch;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import io.llmpipeline.batch.internals.BatchFile;
import io.llmpipeline.batch.internals.BatchFold;
import io.llmpipeline.batch.internals.BatchIds;
import io.llmpipeline.batch.internals.DiskSet;
import io.llmpipeline.batch.internals.Jsonl;
import io.llmpipeline.batch.internals.OutputLines;
import io.llmpipeline.batch.internals.ParsedLine;
import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.schemas.BatchState;
import io.llmpipeline.schemas.BatchStatus;
import io.llmpipeline.schemas.Codecs;
import io.llmpipeline.schemas.LlmResult;

/**
 * Assembles a batch's results files from {@code llm.results}, in the input's format and in the
 * input's line order: first every result of the batch is indexed on disk by custom_id (the first
 * result of a request wins; a replay to a resumed submitter comes after it on the same partition),
 * then the input file is read again and each line gets its result, its validation error, or, once
 * the batch has ended, why it never ran. The index is kept next to the output with the offsets read,
 * so a run that is stopped continues where it was; it is deleted when the files are complete.
 */
public final class BatchResults {
    private static final String OFFSETS = "#offsets#";
    /** Results are read from this long before the batch was created (clocks of different machines). */
    private static final long CLOCK_SLACK_MS = 60_000;

    /**
     * @param output   lines written to the output file
     * @param errors   lines written to the error file
     * @param pending  valid lines with no result yet (the batch is still running)
     * @param complete every line has its answer: the batch has ended and its files are final
     */
    public record Summary(long output, long errors, long pending, boolean complete) {
    }

    private final Catalog catalog;
    private final String bootstrapServers;

    public BatchResults(Catalog catalog, String bootstrapServers) {
        this.catalog = catalog;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * @param errorsFile null writes OpenAI error lines into {@code output} too
     * @param input      null: the file the batch was submitted from
     */
    public Summary write(BatchState state, Path output, Path errorsFile, Path input) {
        InputFormat format = InputFormat.ofWireName(state.getInputFormat());
        Path source = input != null ? input : Path.of(state.getInputFile());
        if (!Files.isReadable(source)) {
            throw new IllegalArgumentException("the input file of batch " + state.getBatchId() + " is not readable at " + source
                    + "; pass it with --input");
        }
        SubmitOptions options = SubmitOptions.forTenant(state.getTenantId().isEmpty() ? "-" : state.getTenantId())
                .withTaskType(state.getTaskType());
        BatchFile file = BatchFile.open(source, format, catalog, options);
        Path indexDir = output.resolveSibling(output.getFileName() + ".index");
        DiskSet index = DiskSet.kept(indexDir);
        boolean done = false;
        try {
            indexResults(state, index);
            Summary summary = assemble(state, file, format, index, output, errorsFile);
            done = summary.complete();
            return summary;
        } finally {
            if (done) {
                index.closeAndDelete();
            } else {
                index.close();
            }
        }
    }

    private void indexResults(BatchState state, DiskSet index) {
        String topic = catalog.topics().results();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> start = startOffsets(consumer, partitions, state, index);
            start.forEach(consumer::seek);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long sinceSave = 0;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.offset() >= end.get(new TopicPartition(record.topic(), record.partition()))) {
                        continue;
                    }
                    LlmResult result;
                    try {
                        result = Codecs.RESULT.decode(record.value());
                    } catch (SerializationException e) {
                        continue; // not a result; the pipeline's readers dead-letter it
                    }
                    Map<String, String> meta = result.getMetadata();
                    if (state.getBatchId().equals(meta.get(BatchIds.BATCH_ID)) && meta.get(BatchIds.CUSTOM_ID) != null) {
                        index.putIfAbsent("r" + meta.get(BatchIds.CUSTOM_ID), record.value());
                    }
                }
                if (++sinceSave % 20 == 0) {
                    saveOffsets(consumer, partitions, index);
                }
            }
            saveOffsets(consumer, partitions, index);
        }
    }

    private static Map<TopicPartition, Long> startOffsets(KafkaConsumer<String, byte[]> consumer, List<TopicPartition> partitions,
                                                          BatchState state, DiskSet index) {
        Map<TopicPartition, Long> start = new HashMap<>();
        byte[] saved = index.get(OFFSETS);
        if (saved != null) {
            java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(saved);
            while (in.remaining() >= 12) {
                start.put(new TopicPartition(partitions.get(0).topic(), in.getInt()), in.getLong());
            }
        }
        Map<TopicPartition, Long> fromTime = new HashMap<>();
        partitions.forEach(p -> fromTime.put(p, Math.max(0, state.getCreatedAtMs() - CLOCK_SLACK_MS)));
        Map<TopicPartition, OffsetAndTimestamp> byTime = consumer.offsetsForTimes(fromTime);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        for (TopicPartition p : partitions) {
            if (!start.containsKey(p)) {
                OffsetAndTimestamp at = byTime.get(p);
                start.put(p, at == null ? ends.get(p) : at.offset());
            }
        }
        return start;
    }

    private static void saveOffsets(KafkaConsumer<String, byte[]> consumer, List<TopicPartition> partitions, DiskSet index) {
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(12 * partitions.size());
        for (TopicPartition p : partitions) {
            out.putInt(p.partition()).putLong(consumer.position(p));
        }
        index.put(OFFSETS, out.array());
    }

    private Summary assemble(BatchState state, BatchFile file, InputFormat format, DiskSet index, Path output, Path errorsFile) {
        boolean ended = BatchFold.terminal(state.getStatus());
        OutputLines.NotRun why = notRun(state);
        OutputLines lines = new OutputLines(format);
        long[] counts = new long[3];
        try (BufferedWriter out = Files.newBufferedWriter(output, StandardCharsets.UTF_8);
             BufferedWriter err = errorsFile == null ? null : Files.newBufferedWriter(errorsFile, StandardCharsets.UTF_8)) {
            file.scan(parsed -> {
                OutputLines.Line line;
                if (parsed instanceof ParsedLine.Invalid bad) {
                    line = lines.invalid(bad.lineNumber(), bad.customId(), bad.reason());
                } else {
                    byte[] stored = index.get("r" + parsed.customId());
                    if (stored != null) {
                        line = lines.result(parsed.customId(), Codecs.RESULT.decode(stored));
                    } else if (ended && state.getStatus() != BatchStatus.FAILED) {
                        line = lines.notRun(state.getBatchId(), parsed.customId(), why);
                    } else {
                        counts[2]++;
                        return;
                    }
                }
                boolean toErrors = line.error() && err != null;
                Jsonl.writeLine(toErrors ? err : out, line.json());
                counts[toErrors ? 1 : 0]++;
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the results of " + state.getBatchId(), e);
        }
        return new Summary(counts[0], counts[1], counts[2], ended && counts[2] == 0);
    }

    private static OutputLines.NotRun notRun(BatchState state) {
        if (state.getStatus() == BatchStatus.CANCELLED || BatchFold.END_CANCELLED.equals(state.getEndReason())) {
            return OutputLines.NotRun.CANCELLED;
        }
        if (BatchFold.END_BUDGET.equals(state.getEndReason())) {
            return OutputLines.NotRun.BUDGET;
        }
        return OutputLines.NotRun.EXPIRED;
    }


    private static final com.fasterxml.jackson.databind.ObjectMapper LINE_JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** How many different custom_ids a results file holds, counted on disk: a file of millions of lines needs no heap for it. */
    public static long distinctCustomIds(Path resultsFile) {
        long distinct = 0;
        try (java.io.BufferedReader in = Files.newBufferedReader(resultsFile, StandardCharsets.UTF_8);
             DiskSet seen = DiskSet.temporary("distinct-custom-ids")) {
            for (String line; (line = in.readLine()) != null; ) {
                if (seen.putIfAbsent(LINE_JSON.readTree(line).path("custom_id").asText(), new byte[0]) == null) {
                    distinct++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resultsFile, e);
        }
        return distinct;
    }
}
