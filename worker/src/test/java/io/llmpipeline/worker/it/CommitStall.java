package io.llmpipeline.worker.it;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * A producer interceptor that holds the producer's network thread once per process, for as many ms as the
 * setting {@value #STALL_MS_CONFIG} says, at the acknowledgement of the record counted by
 * {@value #AFTER_ACKS_CONFIG}: the transaction that record
 * belongs to is then open at the coordinator while its commit cannot go out, as when a long GC
 * pause, a frozen VM or a cut network stops a worker inside a commit. Put into a worker process with
 * {@code -Dllm.worker.producer.interceptor.classes=}; its settings come the same way.
 */
public final class CommitStall implements ProducerInterceptor<String, byte[]> {
    public static final String STALL_MS_CONFIG = "commit.stall.ms";
    public static final String AFTER_ACKS_CONFIG = "commit.stall.after.acks";

    /** Across the producers of one process: the clients started again after the stall must not stall again. */
    private static final AtomicLong ACKS = new AtomicLong();
    private long stallMs;
    private long afterAcks;

    @Override
    public void configure(Map<String, ?> configs) {
        stallMs = Long.parseLong(String.valueOf(configs.get(STALL_MS_CONFIG)));
        afterAcks = Long.parseLong(String.valueOf(configs.get(AFTER_ACKS_CONFIG)));
    }

    @Override
    public ProducerRecord<String, byte[]> onSend(ProducerRecord<String, byte[]> record) {
        return record;
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
        if (exception == null && ACKS.incrementAndGet() == afterAcks) {
            System.out.println("CommitStall: holding the producer's network thread for " + stallMs + " ms");
            try {
                Thread.sleep(stallMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
    }
}
