package io.llmpipeline.router.internals.intake;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

import io.llmpipeline.router.internals.Step;
import io.llmpipeline.schemas.AvroCodec;
import io.llmpipeline.schemas.DlqEnvelope;
import io.llmpipeline.schemas.ResultReadBack;

/**
 * Decodes raw bytes from a topic the router reads. What cannot be decoded goes to the dead-letter
 * topic with the decoder's reason, and the stream carries on with the next record.
 */
public final class RecordDecoder<T extends org.apache.avro.specific.SpecificRecordBase>
        extends ContextualProcessor<byte[], byte[], String, Step<T>> {
    private final AvroCodec<T> codec;
    private final Clock clock;
    private final boolean skipIgnored;

    public RecordDecoder(AvroCodec<T> codec, Clock clock) {
        this(codec, clock, false);
    }

    /** @param skipIgnored drop records marked {@link ResultReadBack#IGNORE_HEADER} without decoding them */
    public RecordDecoder(AvroCodec<T> codec, Clock clock, boolean skipIgnored) {
        this.codec = codec;
        this.clock = clock;
        this.skipIgnored = skipIgnored;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        if (skipIgnored && ResultReadBack.ignored(record.headers())) {
            return;
        }
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        T value;
        try {
            value = codec.decode(record.value());
        } catch (SerializationException e) {
            context().forward(record.withKey(key).withValue(Step.<T>deadLetter(envelope(record, e))));
            return;
        }
        context().forward(record.withKey(key).withValue(Step.next(value)));
    }

    private DlqEnvelope envelope(Record<byte[], byte[]> record, SerializationException e) {
        RecordMetadata meta = context().recordMetadata().orElse(null);
        return DlqEnvelope.newBuilder()
                .setSourceTopic(meta == null ? "" : meta.topic())
                .setSourcePartition(meta == null ? -1 : meta.partition())
                .setSourceOffset(meta == null ? -1 : meta.offset())
                .setKey(record.key() == null ? null : ByteBuffer.wrap(record.key()))
                .setValue(record.value() == null ? null : ByteBuffer.wrap(record.value()))
                .setReason(e.getMessage())
                .setErrorClass(e.getClass().getName())
                .setStage("router")
                .setAtMs(clock.millis())
                .build();
    }
}
