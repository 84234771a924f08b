package io.llmpipeline.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class SchemaEvolutionTest {
    @Test
    void shouldReadARequestWrittenWithAnOlderSchemaVersion() throws Exception {
        Schema old;
        try (InputStream in = getClass().getResourceAsStream("/schema-history/LlmRequest.v0.avsc")) {
            old = new Schema.Parser().parse(in);
        }
        assertThat(old.getField("passthrough_json")).isNull();
        GenericRecord message = new GenericData.Record(old.getField("messages").schema().getElementType());
        message.put("role", new GenericData.EnumSymbol(message.getSchema().getField("role").schema(), "USER"));
        message.put("content", "hello");
        GenericRecord params = new GenericData.Record(old.getField("params").schema());
        params.put("max_tokens", 64);
        params.put("stop", List.of());
        params.put("stream", false);
        GenericRecord request = new GenericData.Record(old);
        request.put("request_id", "r-1");
        request.put("tenant_id", "acme");
        request.put("task_type", "chat");
        request.put("priority", new GenericData.EnumSymbol(old.getField("priority").schema(), "HIGH"));
        request.put("messages", List.of(message));
        request.put("params", params);
        request.put("cache_policy", new GenericData.EnumSymbol(old.getField("cache_policy").schema(), "DISABLED"));
        request.put("metadata", Map.of("team", "search"));
        request.put("submitted_at_ms", 42L);
        byte[] written = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), old).encode(request).array();

        // the test class path's schema-history/index.txt lists the old version, as a release would
        LlmRequest read = AvroCodec.of(LlmRequest.class, SchemaHistory.load(getClass().getClassLoader())).decode(written);

        assertThat(read.getRequestId()).isEqualTo("r-1");
        assertThat(read.getPriority()).isEqualTo(Priority.HIGH);
        assertThat(read.getMessages().get(0).getContent()).isEqualTo("hello");
        assertThat(read.getParams().getMaxTokens()).isEqualTo(64);
        assertThat(read.getCachePolicy()).isEqualTo(CachePolicy.DISABLED);
        assertThat(read.getMetadata()).containsEntry("team", "search");
        assertThat(read.getPassthroughJson()).isNull();
        assertThat(read.getCompressPrompt()).isFalse();
    }

    @Test
    void shouldReadAnInvocationEventWrittenBeforeLabelsExistedWithNoLabels() throws Exception {
        Schema v2;
        try (InputStream in = getClass().getResourceAsStream("/schema-history/InvocationEvent-v2.avsc")) {
            v2 = new Schema.Parser().parse(in);
        }
        assertThat(v2.getField("labels")).isNull();
        GenericRecord usage = new GenericData.Record(v2.getField("usage").schema());
        usage.put("input_tokens", 120);
        usage.put("output_tokens", 30);
        usage.put("cached_input_tokens", 0);
        usage.put("cache_creation_tokens", 0);
        GenericRecord event = new GenericData.Record(v2);
        event.put("event_id", "r-1/1");
        event.put("request_id", "r-1");
        event.put("tenant_id", "acme");
        event.put("task_type", "chat");
        event.put("attempt", 1);
        event.put("provider", "sim-openai");
        event.put("model", "gpt-sim");
        event.put("started_at_ms", 10L);
        event.put("ended_at_ms", 20L);
        event.put("outcome", new GenericData.EnumSymbol(v2.getField("outcome").schema(), "SUCCESS"));
        event.put("estimated_input_tokens", 118);
        event.put("usage", usage);
        event.put("cost_micros", 1_234L);
        event.put("reserved_micros", 5_000L);
        event.put("billed", true);
        event.put("interrupted", false);
        event.put("shadow", false);
        event.put("final_attempt", true);
        event.put("prompt_chars", 480);
        byte[] written = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v2).encode(event).array();

        InvocationEvent read = Codecs.INVOCATION.decode(written);

        assertThat(read.getCostMicros()).isEqualTo(1_234L);
        assertThat(read.getUsage().getInputTokens()).isEqualTo(120);
        assertThat(read.getPromptChars()).isEqualTo(480);
        assertThat(read.getLabels()).isEmpty();
    }

    @Test
    void shouldReadProviderHealthWrittenBeforeRateLimitsWithNone() throws Exception {
        Schema v1;
        try (InputStream in = getClass().getResourceAsStream("/schema-history/ProviderHealth-v1.avsc")) {
            v1 = new Schema.Parser().parse(in);
        }
        assertThat(v1.getField("rate_limits")).isNull();
        GenericRecord health = new GenericData.Record(v1);
        health.put("provider", "sim-openai");
        health.put("model", "gpt-sim");
        health.put("breaker_state", new GenericData.EnumSymbol(v1.getField("breaker_state").schema(), "OPEN"));
        health.put("success_rate", 0.5);
        health.put("p95_latency_ms", 120L);
        health.put("calls", 10L);
        health.put("failures", 5L);
        health.put("updated_at_ms", 42L);
        byte[] written = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(health).array();

        ProviderHealth read = Codecs.HEALTH.decode(written);

        assertThat(read.getBreakerState()).isEqualTo(BreakerState.OPEN);
        assertThat(read.getCalls()).isEqualTo(10L);
        assertThat(read.getRateLimits()).isEmpty();
    }

    @Test
    void shouldRefuseBytesWrittenWithAnUnknownSchemaSayingWhy() {
        byte[] unknownFingerprint = {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0};
        assertThatThrownBy(() -> Codecs.REQUEST.decode(unknownFingerprint))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("not a LlmRequest");
        assertThatThrownBy(() -> Codecs.REQUEST.decode("{\"json\": true}".getBytes()))
                .isInstanceOf(SerializationException.class);
    }

    @Test
    void shouldRoundTripEveryTopicRecord() {
        LlmResult result = LlmResult.newBuilder().setRequestId("r").setTenantId("t").setTaskType("x")
                .setStatus(ResultStatus.ERROR).setUsage(new Usage(1, 2, 0, 0)).setCompletedAtMs(5)
                .setError(ErrorInfo.newBuilder().setKind(ErrorKind.CONTEXT_OVERFLOW).setMessage("too long").build())
                .build();
        assertThat(Codecs.RESULT.decode(Codecs.RESULT.encode(result))).isEqualTo(result);
    }
}
