package io.llmpipeline.worker.loop;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partitions this worker owns and how far each got. A partition assigned to it starts from its
 * committed offset (with the bitmap of records the previous owner finished beyond it) and the calls
 * its attempt journal holds for records without committed output. A revoked partition has what
 * finished committed first, then is forgotten; a lost one is forgotten at once (another worker may
 * own it already, so nothing of it may be committed). Called on the loop's thread only.
 */
final class OwnedPartitions implements ConsumerRebalanceListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OwnedPartitions.class);

    private final Map<TopicPartition, PartitionProgress> progress = new HashMap<>();
    private final JournalRecovery recovery;
    private final Supplier<KafkaConsumer<String, byte[]>> consumer;
    private final Runnable commitFinished;
    private final Consumer<TopicPartition> released;

    /**
     * @param consumer       the loop's current consumer (a client restart replaces it)
     * @param commitFinished commits what finished, before a revoked partition goes
     * @param released       drops the loop's work of a partition after its progress is revoked
     */
    OwnedPartitions(JournalRecovery recovery, Supplier<KafkaConsumer<String, byte[]>> consumer,
                    Runnable commitFinished, Consumer<TopicPartition> released) {
        this.recovery = recovery;
        this.consumer = consumer;
        this.commitFinished = commitFinished;
        this.released = released;
    }

    /** A partition's progress; one whose records come without an assignment callback starts from nothing. */
    PartitionProgress of(TopicPartition tp) {
        return progress.computeIfAbsent(tp, k -> PartitionProgress.restore(null));
    }

    /** Every owned partition's progress, live: what a commit carries. */
    Map<TopicPartition, PartitionProgress> progress() {
        return progress;
    }

    void forgetAll() {
        forget(List.copyOf(progress.keySet()));
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        commitFinished.run();
        forget(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        forget(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        // the committed position and the bitmap of records the previous owner finished beyond it
        long started = System.nanoTime();
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.get().committed(new HashSet<>(partitions));
        List<JournalRecovery.Assigned> assigned = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata at = committed.get(tp);
            assigned.add(new JournalRecovery.Assigned(tp, at == null ? -1 : at.offset(), PartitionProgress.restore(at)));
        }
        recovery.recover(assigned);
        assigned.forEach(a -> progress.put(a.source(), a.progress()));
        // the partitions' records wait for this: a slow journal read shows here
        LOG.info("restored {} assigned partition(s) in {} ms", partitions.size(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    @Override
    public void close() {
        recovery.close();
    }

    private void forget(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            PartitionProgress p = progress.remove(tp);
            if (p != null) {
                p.revoke();
            }
            released.accept(tp);
        }
    }
}
