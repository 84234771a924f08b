package io.llmpipeline.worker.loop;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

import io.llmpipeline.schemas.Codecs;
import io.llmpipeline.schemas.DlqEnvelope;

/** Turns a record the worker cannot serve into a DLQ record carrying the original bytes and the reason. */
final class DeadLetters {
    private final String topic;
    private final Clock clock;

    DeadLetters(String topic, Clock clock) {
        this.topic = topic;
        this.clock = clock;
    }

    /** @param error what failed; null when there is no exception to name */
    ProducerRecord<String, byte[]> of(ConsumerRecord<String, byte[]> record, String reason, Throwable error) {
        Map<String, String> headers = new HashMap<>();
        for (Header h : record.headers()) {
            headers.put(h.key(), h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
        }
        DlqEnvelope envelope = DlqEnvelope.newBuilder()
                .setSourceTopic(record.topic())
                .setSourcePartition(record.partition())
                .setSourceOffset(record.offset())
                .setKey(record.key() == null ? null : ByteBuffer.wrap(record.key().getBytes(StandardCharsets.UTF_8)))
                .setValue(record.value() == null ? null : ByteBuffer.wrap(record.value()))
                .setReason(reason)
                .setErrorClass(error == null ? null : error.getClass().getName())
                .setStage("worker")
                .setHeaders(headers)
                .setAtMs(clock.millis())
                .build();
        return new ProducerRecord<>(topic, record.key(), Codecs.DLQ.encode(envelope));
    }
}
