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
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
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
        /** Sent and committed, or nothing to do. */
        DONE,
        /** Failed; the output is kept and goes again with the next commit. */
        KEPT,
        /** Fenced or not authorised: the worker must stop without committing anything more. */
        FATAL
    }

    /** An output record; {@code source} and {@code offset} name the assignment it answers (null, -1 for health). */
    private record Out(TopicPartition source, long offset, ProducerRecord<String, byte[]> record) {
    }

    private final Producer<String, byte[]> producer;
    private final boolean transactional;
    private final List<Out> waiting = new ArrayList<>();

    Outbox(Producer<String, byte[]> producer, boolean transactional) {
        this.producer = producer;
        this.transactional = transactional;
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
            return Commit.DONE;
        }
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
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException
                 | FencedInstanceIdException e) {
            LOG.error("worker fenced or not authorised; stopping without committing", e);
            return Commit.FATAL;
        } catch (KafkaException e) {
            LOG.warn("commit failed ({}); the output is kept and sent again with the next commit", e.toString());
            if (transactional) {
                try {
                    producer.abortTransaction();
                } catch (KafkaException abort) {
                    LOG.error("cannot abort the transaction; stopping", abort);
                    return Commit.FATAL;
                }
            }
            return Commit.KEPT;
        }
    }
}
