package io.llmpipeline.worker.loop;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Output waiting for its commit: results, invocation events, DLQ records and provider health.
 * A commit sends what the offsets being committed cover, with those offsets, in one Kafka
 * transaction (or, non-transactional: send, flush, then commit offsets), so a crash leaves either
 * a request's output and its offset, or neither. Output of a record beyond what the committed
 * offset's bitmap can carry is held for a later commit.
 */
final class Outbox {
    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

    /** How a commit went. */
    enum Commit {
        /** Sent and committed. */
        DONE,
        /** Nothing to commit. */
        IDLE,
        /** Failed; the output is kept and goes again with the next commit. */
        KEPT,
        /**
         * The producer cannot commit any more, though no other process took this worker's place (see
         * {@link CommitFailure}): the output is dropped with the clients, which start again.
         */
        RESTART,
        /** Another process runs under this worker's id, or it is not authorised: the worker must stop. */
        FATAL
    }

    /** An output record; {@code source} and {@code offset} name the assignment it answers (null, -1 for health). */
    private record Out(TopicPartition source, long offset, ProducerRecord<String, byte[]> record) {
    }

    private final Producer<String, byte[]> producer;
    private final boolean transactional;
    private final long transactionTimeoutMs;
    private final List<Out> waiting = new ArrayList<>();

    /** @param transactionTimeoutMs the producer's {@code transaction.timeout.ms} */
    Outbox(Producer<String, byte[]> producer, boolean transactional, long transactionTimeoutMs) {
        this.producer = producer;
        this.transactional = transactional;
        this.transactionTimeoutMs = transactionTimeoutMs;
        if (transactional) {
            producer.initTransactions();
        }
    }

    /** Output answering the record at {@code offset} of {@code source}. */
    void add(TopicPartition source, long offset, ProducerRecord<String, byte[]> record) {
        waiting.add(new Out(source, offset, record));
    }

    /** Output tied to no input record (provider health). */
    void add(ProducerRecord<String, byte[]> record) {
        waiting.add(new Out(null, -1, record));
    }

    /** The partition moved away: its output is the next owner's to write. */
    void forget(TopicPartition tp) {
        waiting.removeIf(out -> tp.equals(out.source()));
    }

    int size() {
        return waiting.size();
    }

    Commit commit(Map<TopicPartition, PartitionProgress> progress, Consumer<String, byte[]> consumer) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        progress.forEach((tp, p) -> {
            OffsetAndMetadata next = p.toCommit();
            if (next != null) {
                offsets.put(tp, next);
            }
        });
        // Output goes out with the offset commit that marks its record finished, never before it.
        List<Out> sending = new ArrayList<>();
        List<Out> held = new ArrayList<>();
        for (Out out : waiting) {
            PartitionProgress p = out.source() == null ? null : progress.get(out.source());
            (p == null || p.covers(out.offset()) ? sending : held).add(out);
        }
        if (sending.isEmpty() && offsets.isEmpty()) {
            return Commit.IDLE;
        }
        long openedAt = System.nanoTime();
        try {
            if (transactional) {
                producer.beginTransaction();
                sending.forEach(out -> producer.send(out.record()));
                if (!offsets.isEmpty()) {
                    producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                }
                producer.commitTransaction();
            } else {
                sending.forEach(out -> producer.send(out.record()));
                producer.flush();
                if (!offsets.isEmpty()) {
                    consumer.commitSync(offsets);
                }
            }
            waiting.clear();
            waiting.addAll(held);
            offsets.keySet().forEach(tp -> progress.get(tp).committed());
            return Commit.DONE;
        } catch (KafkaException e) {
            return failed(e, (System.nanoTime() - openedAt) / 1_000_000);
        }
    }

    private Commit failed(KafkaException e, long openMs) {
        CommitFailure failure = CommitFailure.of(e, openMs, transactionTimeoutMs);
        if (failure.action() == CommitFailure.Action.RETRY && transactional) {
            try {
                producer.abortTransaction();
            } catch (KafkaException abort) {
                failure = CommitFailure.ofAbort(abort, openMs, transactionTimeoutMs);
            }
        }
        switch (failure.action()) {
            case RETRY -> {
                LOG.warn("commit failed ({}); the output is kept and sent again with the next commit", failure.why());
                return Commit.KEPT;
            }
            case RESTART -> {
                LOG.warn("commit failed ({}) and the producer cannot go on: {}; the Kafka clients start again",
                        e.toString(), failure.why());
                return Commit.RESTART;
            }
            default -> {
                LOG.error("{}; this worker stops without committing", failure.why(), e);
                return Commit.FATAL;
            }
        }
    }
}
