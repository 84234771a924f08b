package io.llmpipeline.batch;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import io.llmpipeline.batch.internals.BatchFile;
import io.llmpipeline.batch.internals.BatchFold;
import io.llmpipeline.batch.internals.Jsonl;
import io.llmpipeline.batch.internals.OutputLines;
import io.llmpipeline.batch.internals.ParsedLine;
import io.llmpipeline.batch.internals.RequestMapping;
import io.llmpipeline.batch.internals.WorstCase;
import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.client.PriorityPartitioner;
import io.llmpipeline.schemas.BatchEvent;
import io.llmpipeline.schemas.BatchEventKind;
import io.llmpipeline.schemas.BatchState;
import io.llmpipeline.schemas.BatchStatus;
import io.llmpipeline.schemas.Codecs;
import io.llmpipeline.schemas.LlmRequest;

/**
 * Streams a batch file onto {@code llm.requests}: a validation pass, then a send pass, both line by
 * line (memory stays bounded whatever the file's size). Every valid line becomes one request whose
 * id and idempotency key derive from (batch id, custom_id), so a line sent twice is answered once.
 *
 * <p>Resuming: every {@value #CHECKPOINT_LINES} lines (and at least every second) the producer is
 * flushed and the number of valid lines known to be on Kafka goes to {@code llm.batch-events}; a
 * resumed submitter starts there, and the few lines it sends again are answered by the router from
 * their idempotency keys without a second provider call.
 *
 * <p>Flow: at most {@code maxOutstanding} requests are sent and not yet counted by the tracker, and
 * with {@code maxCostMicros} a line is admitted only while the tracker's cost so far plus the worst
 * case of every outstanding request plus its own stays within the cap. The tracker's figures lag,
 * which only makes both limits stricter.
 */
public final class BatchSubmitter {
    static final int CHECKPOINT_LINES = 5_000;

    /** Progress of a run, for a progress bar. */
    public interface Progress {
        void update(String phase, long done, long total);

        Progress NONE = (phase, done, total) -> { };
    }

    /** Thrown when {@link SubmitOptions#abortAfterLines} stops a run as a crash would. */
    public static final class Aborted extends RuntimeException {
        Aborted(long lines) {
            super("submitter stopped abruptly after " + lines + " lines (fault injection)", null, false, false);
        }
    }

    private final Catalog catalog;
    private final String bootstrapServers;
    private final Clock clock;

    public BatchSubmitter(Catalog catalog, String bootstrapServers, Clock clock) {
        this.catalog = catalog;
        this.bootstrapServers = bootstrapServers;
        this.clock = clock;
    }

    /** Submits a file, or continues the batch it already is (same file, same options). */
    public SubmitResult submit(Path file, SubmitOptions options, Progress progress) {
        BatchFile batchFile = BatchFile.open(file.toAbsolutePath(), catalog, options);
        String batchId = options.batchId() != null ? options.batchId() : derivedId(batchFile, options);
        try (BatchWatch watch = BatchWatch.start(bootstrapServers, catalog.topics().batches());
             Run run = new Run(batchId, batchFile, options, watch, progress)) {
            Optional<BatchState> existing = watch.get(batchId);
            if (existing.isPresent()) {
                return run.continueFrom(existing.get());
            }
            return run.fresh();
        }
    }

    /** Continues a batch by id; the input file is the one it was submitted from unless {@code file} is given. */
    public SubmitResult resume(String batchId, Path file, SubmitOptions options, Progress progress) {
        try (BatchWatch watch = BatchWatch.start(bootstrapServers, catalog.topics().batches())) {
            BatchState state = watch.get(batchId).orElseThrow(() -> new IllegalArgumentException(
                    "no batch " + batchId + " on " + catalog.topics().batches()));
            Path input = file != null ? file : Path.of(state.getInputFile());
            // The tenant is part of the router's idempotency key: a line resumed under another tenant
            // than the one it was first sent as would be called, and billed, a second time.
            SubmitOptions same = options.withTenant(tenantOf(state)).withBatchId(batchId).withTaskType(state.getTaskType())
                    .withPriority(state.getPriority()).withMaxCostMicros(state.getMaxCostMicros());
            BatchFile batchFile = BatchFile.open(input.toAbsolutePath(), InputFormat.ofWireName(state.getInputFormat()), catalog, same);
            try (Run run = new Run(batchId, batchFile, same, watch, progress)) {
                return run.continueFrom(state);
            }
        }
    }

    private static String tenantOf(BatchState state) {
        String tenant = state.getTenantId();
        if (tenant == null || tenant.isEmpty()) {
            throw new IllegalStateException("batch " + state.getBatchId() + " has no tenant on record; resume it with the same submit command");
        }
        return tenant;
    }

    private static String derivedId(BatchFile file, SubmitOptions o) {
        String basis = String.join("|", o.tenant(), String.valueOf(o.taskType()), o.priority().name(),
                Boolean.toString(o.skipInvalid()), String.valueOf(o.maxCostMicros()), file.format().name(), file.sha256());
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(basis.getBytes(StandardCharsets.UTF_8));
            return "batch_" + HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private final class Run implements AutoCloseable {
        private final String batchId;
        private final BatchFile file;
        private final SubmitOptions options;
        private final BatchWatch watch;
        private final Progress progress;
        private final KafkaProducer<String, BatchEvent> events;
        private final KafkaProducer<String, LlmRequest> requests;
        private boolean aborted;
        private long validationMillis;

        Run(String batchId, BatchFile file, SubmitOptions options, BatchWatch watch, Progress progress) {
            this.batchId = batchId;
            this.file = file;
            this.options = options;
            this.watch = watch;
            this.progress = progress;
            Map<String, Object> common = Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                    ProducerConfig.LINGER_MS_CONFIG, 10,
                    ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
            this.events = new KafkaProducer<>(common, new StringSerializer(), Codecs.BATCH_EVENT);
            Map<String, Object> banded = new java.util.HashMap<>(common);
            banded.put(ProducerConfig.PARTITIONER_CLASS_CONFIG, PriorityPartitioner.class.getName());
            banded.put(PriorityPartitioner.BANDS_CONFIG, PriorityPartitioner.format(catalog.topics().bands()));
            this.requests = new KafkaProducer<>(banded, new StringSerializer(), Codecs.REQUEST);
        }

        SubmitResult fresh() {
            long now = clock.millis();
            long expiresAt = now + options.completionWindow().toMillis();
            emit(event(BatchEventKind.CREATED).setTenantId(options.tenant()).setInputFormat(file.format().wireName())
                    .setInputFile(file.path().toString()).setTaskType(options.taskType()).setPriority(options.priority())
                    .setExpiresAtMs(expiresAt).setMaxCostMicros(options.maxCostMicros()));
            events.flush();
            return validateAndSend(expiresAt);
        }

        /** The validation pass, its verdict on {@code llm.batch-events}, then the send pass. */
        private SubmitResult validateAndSend(long expiresAt) {
            long validating = System.nanoTime();
            Validation v = validate();
            validationMillis = (System.nanoTime() - validating) / 1_000_000;
            if (v.valid == 0 || v.invalid > 0 && !options.skipInvalid()) {
                emit(event(BatchEventKind.VALIDATION_FAILED).setTotal(v.valid).setInvalid(v.invalid));
                events.flush();
                return new SubmitResult(batchId, file.format(), v.lines, v.valid, v.invalid, 0, 0, "validation_failed",
                        v.errorsFile, false, validationMillis);
            }
            emit(event(BatchEventKind.VALIDATED).setTotal(v.valid).setInvalid(v.invalid));
            events.flush();
            return send(v.lines, v.valid, v.invalid, 0, expiresAt, v.errorsFile, false);
        }

        SubmitResult continueFrom(BatchState state) {
            if (BatchFold.terminal(state.getStatus()) || state.getSent() != null) {
                String why = state.getStatus() == BatchStatus.FAILED ? "validation_failed"
                        : BatchFold.terminal(state.getStatus()) ? "already_ended" : "already_submitted";
                return new SubmitResult(batchId, file.format(), 0, state.getTotal(), state.getInvalid(), 0, state.getCursor(),
                        why, null, true, 0);
            }
            long expiresAt = state.getExpiresAtMs() == null ? Long.MAX_VALUE : state.getExpiresAtMs();
            if (state.getStatus() == BatchStatus.VALIDATING) {
                return validateAndSend(expiresAt); // the last submitter stopped before its validation pass ended
            }
            return send(-1, state.getTotal(), state.getInvalid(), state.getCursor(), expiresAt, null, true);
        }

        private record Validation(long lines, long valid, long invalid, Path errorsFile) {
        }

        private Validation validate() {
            Path errorsFile = options.errorsFile() != null ? options.errorsFile()
                    : file.path().resolveSibling(file.path().getFileName() + ".errors.jsonl");
            OutputLines out = new OutputLines(file.format());
            long[] counts = new long[3];
            try (BufferedWriter errors = Files.newBufferedWriter(errorsFile, StandardCharsets.UTF_8)) {
                file.scan(line -> {
                    counts[0]++;
                    if (line instanceof ParsedLine.Invalid bad) {
                        counts[2]++;
                        Jsonl.writeLine(errors, out.invalid(bad.lineNumber(), bad.customId(), bad.reason()).json());
                    } else {
                        counts[1]++;
                    }
                    if (counts[0] % 10_000 == 0) {
                        progress.update("validating", counts[0], -1);
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + errorsFile, e);
            }
            if (counts[2] == 0) {
                try {
                    Files.deleteIfExists(errorsFile);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return new Validation(counts[0], counts[1], counts[2], counts[2] == 0 ? null : errorsFile);
        }

        /** The send pass, from the {@code cursor}-th valid line on. */
        private SubmitResult send(long lines, long total, long invalid, long cursor, long expiresAt, Path errorsFile,
                                  boolean resumed) {
            long[] sent = {0};
            long[] position = {0};
            long[] maxWorst = {0};
            long[] lastCheckpoint = {clock.millis()};
            String[] stop = {null};
            file.scan(line -> {
                if (stop[0] != null || !(line instanceof ParsedLine.Valid valid)) {
                    return;
                }
                long worst = options.maxCostMicros() == null ? 0 : WorstCase.micros(catalog, options, valid);
                maxWorst[0] = Math.max(maxWorst[0], worst);
                if (position[0] < cursor) {
                    position[0]++;
                    return;
                }
                stop[0] = admit(position[0], worst, maxWorst[0], expiresAt);
                if (stop[0] != null) {
                    return;
                }
                LlmRequest request = RequestMapping.request(batchId, valid, options, expiresAt, clock.millis());
                requests.send(new ProducerRecord<>(catalog.topics().requests(), request.getRequestId(), request));
                position[0]++;
                sent[0]++;
                if (options.abortAfterLines() > 0 && sent[0] >= options.abortAfterLines()) {
                    aborted = true;
                    throw new Aborted(sent[0]);
                }
                if (sent[0] % CHECKPOINT_LINES == 0 || clock.millis() - lastCheckpoint[0] >= 1_000) {
                    checkpoint(position[0]);
                    lastCheckpoint[0] = clock.millis();
                    progress.update("sending", position[0], total);
                }
            });
            requests.flush();
            String reason = stop[0] == null ? BatchFold.END_ALL : stop[0];
            emit(event(BatchEventKind.SUBMISSION_ENDED).setCursor(position[0]).setEndReason(reason));
            events.flush();
            progress.update("sending", position[0], total);
            return new SubmitResult(batchId, file.format(), lines, total, invalid, sent[0], position[0], reason, errorsFile, resumed,
                    validationMillis);
        }

        /** Null when line {@code index} may go now; else why sending stops. Waits while the window is full. */
        private String admit(long index, long worst, long maxWorst, long expiresAt) {
            long waitingSince = clock.millis();
            boolean warned = false;
            while (true) {
                if (clock.millis() >= expiresAt) {
                    return BatchFold.END_EXPIRED;
                }
                BatchState state = watch.get(batchId).orElse(null);
                if (state != null && (state.getStatus() == BatchStatus.CANCELLING || state.getStatus() == BatchStatus.CANCELLED)) {
                    return BatchFold.END_CANCELLED;
                }
                long counted = state == null ? 0 : state.getCompleted() + state.getFailed() + state.getCancelled() + state.getExpired();
                long outstanding = Math.max(0, index - counted);
                boolean fits = true;
                if (options.maxCostMicros() != null) {
                    long spent = state == null ? 0 : state.getCostMicros();
                    if (spent + worst > options.maxCostMicros()) {
                        return BatchFold.END_BUDGET;
                    }
                    fits = spent + outstanding * maxWorst + worst <= options.maxCostMicros();
                }
                if (fits && outstanding < options.maxOutstanding()) {
                    return null;
                }
                if (!warned && clock.millis() - waitingSince > 30_000) {
                    warned = true;
                    System.err.println("batch " + batchId + ": waiting 30 s for the batch tracker to count results; is it running?");
                }
                checkpoint(index);
                watch.await(batchId, s -> s != state, Duration.ofMillis(500));
            }
        }

        private void checkpoint(long position) {
            requests.flush();
            emit(event(BatchEventKind.PROGRESS).setCursor(position));
        }

        private BatchEvent.Builder event(BatchEventKind kind) {
            return BatchEvent.newBuilder().setBatchId(batchId).setKind(kind).setAtMs(clock.millis());
        }

        private void emit(BatchEvent.Builder event) {
            events.send(new ProducerRecord<>(catalog.topics().batchEvents(), batchId, event.build()));
        }

        @Override
        public void close() {
            // a crash leaves what was not sent unsent: that is what resuming must cope with
            Duration wait = aborted ? Duration.ZERO : Duration.ofSeconds(30);
            requests.close(wait);
            events.close(wait);
        }
    }

}
