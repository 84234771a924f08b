package io.llmpipeline.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.llmpipeline.batch.internals.BatchIds;
import io.llmpipeline.catalog.TopicsConfig;
import io.llmpipeline.schemas.BatchEvent;
import io.llmpipeline.schemas.BatchEventKind;
import io.llmpipeline.schemas.BatchState;
import io.llmpipeline.schemas.BatchStatus;
import io.llmpipeline.schemas.Codecs;
import io.llmpipeline.schemas.ErrorInfo;
import io.llmpipeline.schemas.ErrorKind;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.ResultStatus;
import io.llmpipeline.schemas.Usage;

class BatchTrackerTopologyTest {
    private static final long T0 = Instant.parse("2026-12-03T08:00:00Z").toEpochMilli();
    private static final long GRACE = 60_000;
    private static final long QUIET = 30_000;

    private final TopicsConfig topics = TopicsConfig.defaults();
    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path stateDir;
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> events;
    private TestInputTopic<String, byte[]> results;
    private TestOutputTopic<String, byte[]> batches;
    private TestOutputTopic<String, byte[]> dlq;

    @BeforeEach
    void start() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "tracker-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString()); // /tmp/kafka-streams is shared by every build on the machine
        driver = new TopologyTestDriver(BatchTrackerTopology.build(topics, GRACE, QUIET), props, Instant.ofEpochMilli(T0));
        events = driver.createInputTopic(topics.batchEvents(), Serdes.String().serializer(), Serdes.ByteArray().serializer());
        results = driver.createInputTopic(topics.results(), Serdes.String().serializer(), Serdes.ByteArray().serializer());
        batches = driver.createOutputTopic(topics.batches(), Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
        dlq = driver.createOutputTopic(topics.dlq(), Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void shouldCountEachRequestOnceWithItsCostAndEndCompletedWhenEveryLineHasAResult() {
        open("b1", 3, T0 + 3_600_000);
        results.pipeInput("b1/a", Codecs.RESULT.encode(ok("b1", "a", 120)));
        results.pipeInput("b1/a", Codecs.RESULT.encode(replay("b1", "a"))); // resumed submitter sent it again
        results.pipeInput("b1/b", Codecs.RESULT.encode(error("b1", "b", ErrorKind.CONTEXT_OVERFLOW, 0)));
        results.pipeInput("other", Codecs.RESULT.encode(ok(null, "x", 999))); // not a batch request
        assertThat(state("b1").getStatus()).isEqualTo(BatchStatus.IN_PROGRESS);

        results.pipeInput("b1/c", Codecs.RESULT.encode(ok("b1", "c", 80)));

        BatchState end = state("b1");
        assertThat(end.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(end.getCompleted()).isEqualTo(2);
        assertThat(end.getFailed()).isEqualTo(1);
        assertThat(end.getCostMicros()).isEqualTo(200);
        assertThat(end.getInputTokens()).isEqualTo(20); // the replay's usage is the original's: not billed again
        assertThat(end.getOutputTokens()).isEqualTo(10);
    }

    @Test
    void shouldDropAFinishedBatchsTallyAfterItsRetentionAndCountNoLateResultTwice() {
        open("b9", 2, T0 + 3_600_000);
        results.pipeInput("b9/a", Codecs.RESULT.encode(ok("b9", "a", 100)));
        results.pipeInput("b9/b", Codecs.RESULT.encode(ok("b9", "b", 100)));
        open("b10", 5, T0 + 172_800_000); // still running: its tally stays
        results.pipeInput("b10/a", Codecs.RESULT.encode(ok("b10", "a", 100)));
        assertThat(state("b9").getStatus()).isEqualTo(BatchStatus.COMPLETED);
        KeyValueStore<String, Short> counted = driver.getKeyValueStore(BatchTrackerTopology.COUNTED);

        driver.advanceWallClockTime(BatchTrackerTopology.COUNTED_RETENTION.minus(BatchTrackerTopology.PRUNE_EVERY));
        assertThat(counted.get("b9/a")).as("kept within the retention").isNotNull();
        driver.advanceWallClockTime(BatchTrackerTopology.PRUNE_EVERY);
        assertThat(counted.get("b9/a")).isNull();
        assertThat(counted.get("b9/b")).isNull();
        assertThat(counted.get("b10/a")).isNotNull();

        results.pipeInput("b9/a", Codecs.RESULT.encode(ok("b9", "a", 7))); // a replay a day later
        driver.advanceWallClockTime(BatchTrackerTopology.PUBLISH_EVERY);
        BatchState late = state("b9");
        assertThat(late.getCompleted()).as("not counted again").isEqualTo(2);
        assertThat(late.getCostMicros()).isEqualTo(207);
        assertThat(counted.get("b9/a")).isNull();
    }

    @Test
    void shouldEndCancelledWithUnsentLinesCountedCancelledWhenTheSubmitterStops() {
        open("b2", 10, T0 + 3_600_000);
        results.pipeInput("b2/1", Codecs.RESULT.encode(ok("b2", "1", 50)));
        events.pipeInput("b2", event("b2", BatchEventKind.CANCEL_REQUESTED).build());
        assertThat(state("b2").getStatus()).isEqualTo(BatchStatus.CANCELLING);

        events.pipeInput("b2", event("b2", BatchEventKind.SUBMISSION_ENDED).setCursor(4L).setEndReason("cancelled").build());
        results.pipeInput("b2/2", Codecs.RESULT.encode(ok("b2", "2", 50)));       // was in flight: billed
        results.pipeInput("b2/3", Codecs.RESULT.encode(error("b2", "3", ErrorKind.CANCELLED, 0)));
        assertThat(state("b2").getStatus()).isEqualTo(BatchStatus.CANCELLING);
        results.pipeInput("b2/4", Codecs.RESULT.encode(error("b2", "4", ErrorKind.CANCELLED, 0)));

        BatchState end = state("b2");
        assertThat(end.getStatus()).isEqualTo(BatchStatus.CANCELLED);
        assertThat(end.getCompleted()).isEqualTo(2);
        assertThat(end.getCancelled()).isEqualTo(8); // 2 cancelled by the worker + 6 never sent
        assertThat(end.getNotSent()).isEqualTo(6);
        assertThat(end.getCostMicros()).isEqualTo(100);
    }

    @Test
    void shouldCountDeadlineExceededAsExpiredAndExpireWhatNeverCameAfterTheWindowAndGrace() {
        long expires = T0 + 10_000;
        open("b3", 4, expires);
        results.pipeInput("b3/1", Codecs.RESULT.encode(ok("b3", "1", 10)));
        results.pipeInput("b3/2", Codecs.RESULT.encode(error("b3", "2", ErrorKind.DEADLINE_EXCEEDED, 0)));

        driver.advanceWallClockTime(Duration.ofMillis(10_000 + GRACE - 1_000));
        assertThat(state("b3").getStatus()).isEqualTo(BatchStatus.IN_PROGRESS);
        driver.advanceWallClockTime(Duration.ofMillis(1_000));

        BatchState end = state("b3");
        assertThat(end.getStatus()).isEqualTo(BatchStatus.EXPIRED);
        assertThat(end.getCompleted()).isEqualTo(1);
        assertThat(end.getExpired()).isEqualTo(3);

        results.pipeInput("b3/3", Codecs.RESULT.encode(ok("b3", "3", 10))); // a late answer still counts, and is paid
        driver.advanceWallClockTime(BatchTrackerTopology.PUBLISH_EVERY);
        BatchState late = state("b3");
        assertThat(late.getCompleted()).isEqualTo(2);
        assertThat(late.getExpired()).isEqualTo(2);
        assertThat(late.getCostMicros()).isEqualTo(20);
    }

    @Test
    void shouldFailABatchWhoseValidationFailedAndIgnoreResultsOfUnknownBatches() {
        events.pipeInput("b4", event("b4", BatchEventKind.CREATED).setTenantId("acme").build());
        assertThat(state("b4").getStatus()).isEqualTo(BatchStatus.VALIDATING);
        events.pipeInput("b4", event("b4", BatchEventKind.VALIDATION_FAILED).setTotal(7L).setInvalid(3L).build());
        results.pipeInput("ghost/1", Codecs.RESULT.encode(ok("ghost", "1", 10)));

        BatchState failed = state("b4");
        assertThat(failed.getStatus()).isEqualTo(BatchStatus.FAILED);
        assertThat(failed.getInvalid()).isEqualTo(3);
        assertThat(batches.readKeyValuesToMap()).doesNotContainKey("ghost");
    }

    @Test
    void shouldEndACancellingBatchWhoseSubmitterIsGoneAfterAQuietSpell() {
        open("b5", 5, T0 + 3_600_000);
        events.pipeInput("b5", event("b5", BatchEventKind.CANCEL_REQUESTED).build());
        driver.advanceWallClockTime(Duration.ofMillis(QUIET));

        BatchState end = state("b5");
        assertThat(end.getStatus()).isEqualTo(BatchStatus.CANCELLED);
        assertThat(end.getCancelled()).isEqualTo(5);
    }

    @Test
    void shouldSendUndecodableInputToTheDlqAndKeepCounting() {
        open("b6", 1, T0 + 3_600_000);
        results.pipeInput("junk", "{not avro}".getBytes());
        results.pipeInput("b6/1", Codecs.RESULT.encode(ok("b6", "1", 5)));

        assertThat(Codecs.DLQ.decode(dlq.readValue()).getStage()).isEqualTo("batch-tracker");
        assertThat(state("b6").getStatus()).isEqualTo(BatchStatus.COMPLETED);
    }

    private void open(String id, long total, long expiresAt) {
        events.pipeInput(id, event(id, BatchEventKind.CREATED).setTenantId("acme").setInputFormat("openai")
                .setExpiresAtMs(expiresAt).build());
        events.pipeInput(id, event(id, BatchEventKind.VALIDATED).setTotal(total).setInvalid(0L).build());
    }

    private BatchState state(String id) {
        driver.advanceWallClockTime(Duration.ZERO);
        List<org.apache.kafka.streams.KeyValue<String, byte[]>> all = batches.readKeyValuesToList();
        BatchState last = null;
        for (var kv : all) {
            if (kv.key.equals(id)) {
                last = Codecs.BATCH_STATE.decode(kv.value);
            }
        }
        if (last == null) {
            // nothing new went out: ask the store
            last = io.llmpipeline.batch.internals.BatchFold.view(
                    driver.<String, BatchState>getKeyValueStore(BatchTrackerTopology.STATES).get(id));
        }
        return last;
    }

    private static byte[] event(BatchEvent e) {
        return Codecs.BATCH_EVENT.encode(e);
    }

    private static BatchEventBuilder event(String id, BatchEventKind kind) {
        return new BatchEventBuilder(BatchEvent.newBuilder().setBatchId(id).setKind(kind).setAtMs(T0));
    }

    /** The generated builder, ending in the encoded bytes the topic carries. */
    private record BatchEventBuilder(BatchEvent.Builder b) {
        BatchEventBuilder setTenantId(String v) { b.setTenantId(v); return this; }
        BatchEventBuilder setInputFormat(String v) { b.setInputFormat(v); return this; }
        BatchEventBuilder setExpiresAtMs(Long v) { b.setExpiresAtMs(v); return this; }
        BatchEventBuilder setTotal(Long v) { b.setTotal(v); return this; }
        BatchEventBuilder setInvalid(Long v) { b.setInvalid(v); return this; }
        BatchEventBuilder setCursor(Long v) { b.setCursor(v); return this; }
        BatchEventBuilder setEndReason(String v) { b.setEndReason(v); return this; }
        byte[] build() { return event(b.build()); }
    }

    private static LlmResult.Builder base(String batch, String custom) {
        Map<String, String> meta = batch == null ? Map.of() : Map.of(BatchIds.BATCH_ID, batch, BatchIds.CUSTOM_ID, custom);
        return LlmResult.newBuilder().setRequestId((batch == null ? "x" : batch) + "/" + custom).setTenantId("acme")
                .setTaskType("batch").setCompletedAtMs(T0).setMetadata(meta);
    }

    private static LlmResult ok(String batch, String custom, long cost) {
        return base(batch, custom).setStatus(ResultStatus.OK).setOutput("hi").setUsage(new Usage(10, 5, 0, 0))
                .setCostMicros(cost).build();
    }

    private static LlmResult replay(String batch, String custom) {
        return base(batch, custom).setStatus(ResultStatus.OK).setOutput("hi").setUsage(new Usage(10, 5, 0, 0))
                .setCacheHit(true).setCostMicros(0).build();
    }

    private static LlmResult error(String batch, String custom, ErrorKind kind, long cost) {
        return base(batch, custom).setStatus(ResultStatus.ERROR).setUsage(new Usage(0, 0, 0, 0)).setCostMicros(cost)
                .setError(ErrorInfo.newBuilder().setKind(kind).setMessage(kind.name()).build()).build();
    }
}
