package io.llmpipeline.batch;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import io.llmpipeline.batch.internals.BatchFold;
import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.schemas.BatchEvent;
import io.llmpipeline.schemas.BatchEventKind;
import io.llmpipeline.schemas.BatchState;
import io.llmpipeline.schemas.Codecs;

/**
 * The Java API of batch jobs, the same operations as {@code ./pipeline batch}: submit (or continue)
 * a file, status, list, cancel, results. Status comes from {@code llm.batches}, kept by the batch
 * tracker, so it answers for any batch whoever submitted it.
 *
 * <pre>{@code
 * try (Batches batches = Batches.connect(catalog, "localhost:9092")) {
 *     SubmitResult submitted = batches.submit(Path.of("prompts.jsonl"), SubmitOptions.forTenant("acme"));
 *     BatchState done = batches.await(submitted.batchId(), Duration.ofHours(1));
 *     batches.results(submitted.batchId(), Path.of("out.jsonl"), Path.of("errors.jsonl"), null);
 * }
 * }</pre>
 */
public final class Batches implements AutoCloseable {
    private final Catalog catalog;
    private final String bootstrapServers;
    private final BatchWatch watch;

    private Batches(Catalog catalog, String bootstrapServers) {
        this.catalog = catalog;
        this.bootstrapServers = bootstrapServers;
        this.watch = BatchWatch.start(bootstrapServers, catalog.topics().batches());
    }

    public static Batches connect(Catalog catalog, String bootstrapServers) {
        return new Batches(catalog, bootstrapServers);
    }

    public SubmitResult submit(Path file, SubmitOptions options) {
        return submit(file, options, BatchSubmitter.Progress.NONE);
    }

    public SubmitResult submit(Path file, SubmitOptions options, BatchSubmitter.Progress progress) {
        return new BatchSubmitter(catalog, bootstrapServers, Clock.systemUTC()).submit(file, options, progress);
    }

    /** Continues a batch whose submitter stopped; {@code file} null: the file it was submitted from. */
    public SubmitResult resume(String batchId, Path file, SubmitOptions options, BatchSubmitter.Progress progress) {
        return new BatchSubmitter(catalog, bootstrapServers, Clock.systemUTC()).resume(batchId, file, options, progress);
    }

    public Optional<BatchState> status(String batchId) {
        return watch.get(batchId);
    }

    /** Waits for the batch to end; returns its last state when the timeout passes first. */
    public Optional<BatchState> await(String batchId, Duration timeout) {
        return watch.await(batchId, s -> BatchFold.terminal(s.getStatus()), timeout);
    }

    /** Waits until the state satisfies {@code condition} (e.g. a progress callback that returns false). */
    public Optional<BatchState> await(String batchId, java.util.function.Predicate<BatchState> condition, Duration timeout) {
        return watch.await(batchId, condition, timeout);
    }

    /** Every batch on the topic, newest first. */
    public List<BatchState> list() {
        return watch.all().values().stream().sorted(Comparator.comparingLong(BatchState::getCreatedAtMs).reversed()).toList();
    }

    /**
     * Asks the tracker to cancel: requests not yet sent to a provider end as cancelled (unbilled, no
     * call); calls in flight finish and are billed; a running submitter stops sending.
     */
    public void cancel(String batchId) {
        if (watch.get(batchId).isEmpty()) {
            throw new IllegalArgumentException("no batch " + batchId + " on " + catalog.topics().batches());
        }
        try (KafkaProducer<String, BatchEvent> producer = new KafkaProducer<>(java.util.Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), Codecs.BATCH_EVENT)) {
            producer.send(new ProducerRecord<>(catalog.topics().batchEvents(), batchId, BatchEvent.newBuilder()
                    .setBatchId(batchId).setKind(BatchEventKind.CANCEL_REQUESTED).setAtMs(System.currentTimeMillis()).build()));
        }
    }

    public BatchResults.Summary results(String batchId, Path output, Path errors, Path input) {
        BatchState state = watch.get(batchId).orElseThrow(() -> new IllegalArgumentException(
                "no batch " + batchId + " on " + catalog.topics().batches()));
        return new BatchResults(catalog, bootstrapServers).write(state, output, errors, input);
    }

    /** The one-line summary the CLI prints last. */
    /** Whether a batch in this status will change no more (completed, failed, expired, cancelled). */
    public static boolean isFinished(io.llmpipeline.schemas.BatchStatus status) {
        return BatchFold.terminal(status);
    }

    public static String summaryLine(BatchState s) {
        return "batch: id=" + s.getBatchId() + " status=" + s.getStatus().name().toLowerCase(java.util.Locale.ROOT)
                + " total=" + s.getTotal() + " completed=" + s.getCompleted() + " failed=" + s.getFailed()
                + " cancelled=" + s.getCancelled() + " expired=" + s.getExpired() + " cost_micros=" + s.getCostMicros()
                + " input_tokens=" + s.getInputTokens() + " output_tokens=" + s.getOutputTokens();
    }

    @Override
    public void close() {
        watch.close();
    }
}
