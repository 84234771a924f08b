package io.llmpipeline.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/** ErrorKind gained CANCELLED (batch cancel): old records stay readable, old readers see INTERNAL. */
class CancelledKindEvolutionTest {
    private static Schema released(String file) throws Exception {
        try (InputStream in = CancelledKindEvolutionTest.class.getResourceAsStream("/schema-history/" + file)) {
            return new Schema.Parser().parse(in);
        }
    }

    @Test
    void shouldReadAResultWrittenBeforeCancelledExisted() throws Exception {
        Schema old = released("LlmResult-v1.avsc");
        Schema errorSchema = old.getField("error").schema().getTypes().get(1);
        GenericRecord error = new GenericData.Record(errorSchema);
        error.put("kind", new GenericData.EnumSymbol(errorSchema.getField("kind").schema(), "DEADLINE_EXCEEDED"));
        error.put("message", "deadline passed");
        error.put("retryable", true);
        error.put("attempts", List.of());
        GenericRecord usage = new GenericData.Record(old.getField("usage").schema());
        usage.put("input_tokens", 3);
        usage.put("output_tokens", 0);
        usage.put("cached_input_tokens", 0);
        usage.put("cache_creation_tokens", 0);
        GenericRecord result = new GenericRecordBuilder(old)
                .set("request_id", "b1/c1")
                .set("tenant_id", "acme")
                .set("task_type", "batch")
                .set("status", new GenericData.EnumSymbol(old.getField("status").schema(), "ERROR"))
                .set("usage", usage)
                .set("error", error)
                .set("metadata", Map.of("batch_id", "b1"))
                .set("completed_at_ms", 7L)
                .build();
        byte[] written = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), old).encode(result).array();

        LlmResult read = Codecs.RESULT.decode(written);

        assertThat(read.getError().getKind()).isEqualTo(ErrorKind.DEADLINE_EXCEEDED);
        assertThat(read.getMetadata()).containsEntry("batch_id", "b1");
    }

    @Test
    void shouldLetAReaderOfTheOldSchemaReadCancelledAsInternal() throws Exception {
        LlmResult cancelled = LlmResult.newBuilder().setRequestId("b1/c2").setTenantId("acme").setTaskType("batch")
                .setStatus(ResultStatus.ERROR).setUsage(new Usage(0, 0, 0, 0)).setCompletedAtMs(9)
                .setError(ErrorInfo.newBuilder().setKind(ErrorKind.CANCELLED).setMessage("batch b1 was cancelled").build())
                .build();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new SpecificDatumWriter<>(LlmResult.class).write(cancelled, encoder);
        encoder.flush();

        GenericDatumReader<GenericRecord> oldReader = new GenericDatumReader<>(LlmResult.getClassSchema(), released("LlmResult-v1.avsc"));
        GenericRecord read = oldReader.read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));

        assertThat(((GenericRecord) read.get("error")).get("kind").toString()).isEqualTo("INTERNAL");
    }

    @Test
    void shouldRoundTripBatchRecords() {
        BatchState state = BatchState.newBuilder().setBatchId("b1").setStatus(BatchStatus.CANCELLING).setTotal(10)
                .setCompleted(4).setCostMicros(1234).build();
        assertThat(Codecs.BATCH_STATE.decode(Codecs.BATCH_STATE.encode(state))).isEqualTo(state);
        BatchEvent event = BatchEvent.newBuilder().setBatchId("b1").setKind(BatchEventKind.RESULT).setAtMs(3)
                .setRequestId("b1/c1").setOutcome(BatchLineOutcome.CANCELLED).build();
        assertThat(Codecs.BATCH_EVENT.decode(Codecs.BATCH_EVENT.encode(event))).isEqualTo(event);
    }
}
