package io.llmpipeline.worker.loop;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.time.Duration;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.llmpipeline.schemas.AttemptJournalEntry;
import io.llmpipeline.schemas.Codecs;
import io.llmpipeline.schemas.ErrorKind;
import io.llmpipeline.schemas.Usage;
import io.llmpipeline.worker.run.AttemptJournal;

/**
 * Writes the attempt journal with a producer of its own, outside the result transaction (a start
 * must be durable before the call leaves, not when the result commits). Each entry goes to the
 * journal partition with the number of its assignment's partition, so the next owner of that
 * partition reads one journal partition. Acknowledged offsets are queued for the polling thread,
 * which owns {@link PartitionProgress}.
 */
final class JournalWriter implements AutoCloseable {
    private record Ack(TopicPartition source, long offset, long journalOffset) {
    }

    private final String topic;
    private final String workerId;
    private final KafkaProducer<String, byte[]> producer;
    private final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();

    JournalWriter(String topic, String bootstrapServers, String workerId) {
        this.topic = topic;
        this.workerId = workerId;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "worker-" + workerId + "-journal");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        // each start holds its call until acknowledged: send at once, batches form under load by themselves
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        // no compression: with linger 0 a batch holds one entry or a few, and LZ4 allocates two 64 KB block
        // buffers per batch; at 6,000 calls in flight that was most of the worker's garbage (two entries per call)
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(p);
    }

    /** The journal of one assignment's run. */
    AttemptJournal forRun(Pending pending) {
        return new AttemptJournal() {
            @Override
            public CompletableFuture<Void> started(Call call) {
                return write(pending, entry(pending, call).build());
            }

            @Override
            public void ended(Call call, long endedAtMs, Usage billed, ErrorKind failure) {
                write(pending, entry(pending, call).setEndedAtMs(endedAtMs).setUsage(billed).setErrorKind(failure).build());
            }
        };
    }

    private AttemptJournalEntry.Builder entry(Pending pending, AttemptJournal.Call call) {
        return AttemptJournalEntry.newBuilder()
                .setRequestId(pending.requestId())
                .setAttempt(call.attempt())
                .setProvider(call.model().getProvider())
                .setModel(call.model().getModel())
                .setWorkerId(workerId)
                .setSourceOffset(pending.offset())
                .setStartedAtMs(call.startedAtMs())
                .setMaxOutputTokens(call.maxOutputTokens());
    }

    private CompletableFuture<Void> write(Pending pending, AttemptJournalEntry entry) {
        CompletableFuture<Void> durable = new CompletableFuture<>();
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, pending.tp().partition(), pending.requestId(),
                Codecs.ATTEMPT_JOURNAL.encode(entry));
        producer.send(record, (metadata, error) -> {
            if (error != null) {
                durable.completeExceptionally(error);
            } else {
                acks.add(new Ack(pending.tp(), pending.offset(), metadata.offset()));
                durable.complete(null);
            }
        });
        return durable;
    }

    /** Hands acknowledged offsets to the partitions' progress (on the polling thread). */
    void drainAcks(Map<TopicPartition, PartitionProgress> progress) {
        for (Ack ack; (ack = acks.poll()) != null; ) {
            PartitionProgress p = progress.get(ack.source());
            if (p != null) {
                p.journaled(ack.offset(), ack.journalOffset());
            }
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
