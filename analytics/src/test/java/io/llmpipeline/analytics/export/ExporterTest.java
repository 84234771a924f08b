package io.llmpipeline.analytics.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.llmpipeline.analytics.Events;
import io.llmpipeline.analytics.report.AnalyticsStore;
import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.CatalogLoader;
import io.llmpipeline.schemas.Codecs;
import io.llmpipeline.schemas.InvocationEvent;
import io.llmpipeline.schemas.InvocationOutcome;
import io.llmpipeline.testkit.KafkaFixture;

/** The exporter on a real broker, read back with DuckDB from the Parquet files it wrote. */
class ExporterTest {
    static final long DAY_ONE = Instant.parse("2026-12-02T23:59:00Z").toEpochMilli();
    static final long DAY_TWO = Instant.parse("2026-12-03T00:01:00Z").toEpochMilli();

    @TempDir
    Path dir;
    Catalog catalog;
    String bootstrap;
    long committedCost;
    int committedEvents;

    @BeforeEach
    void createTopics() throws Exception {
        catalog = CatalogLoader.loadDefault().withNamePrefix(KafkaFixture.uniquePrefix("export"));
        bootstrap = KafkaFixture.shared().bootstrapServers();
        KafkaFixture.shared().admin().createTopics(List.of(
                new NewTopic(catalog.topics().invocations(), 3, (short) 1),
                new NewTopic(catalog.topics().results(), 2, (short) 1))).all().get();
    }

    private Exporter.Options smallFiles() {
        return Exporter.Options.defaults().withMaxRowsPerFile(7);
    }

    /** Sends {@code count} events in one committed transaction, spread over partitions and over midnight. */
    private void sendCommitted(int first, int count) {
        List<InvocationEvent> events = new ArrayList<>();
        for (int i = first; i < first + count; i++) {
            long cost = 1_000 + i;
            InvocationOutcome outcome = i % 10 == 0 ? InvocationOutcome.FAILURE : InvocationOutcome.SUCCESS;
            events.add(Events.invocation("r-" + i, "tenant-" + (i % 3), "gpt-4o-mini", i % 2 == 0 ? DAY_ONE : DAY_TWO,
                    cost, outcome, Map.of("team", "team-" + (i % 2))));
            committedCost += cost;
            committedEvents++;
        }
        send(events, true);
    }

    private void send(List<InvocationEvent> events, boolean commit) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "export-test-" + System.nanoTime()),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (InvocationEvent e : events) {
                producer.send(new ProducerRecord<>(catalog.topics().invocations(), e.getRequestId(), Codecs.INVOCATION.encode(e)));
            }
            producer.flush();
            if (commit) {
                producer.commitTransaction();
            } else {
                producer.abortTransaction();
            }
        }
    }

    private long count(String sql) {
        try (AnalyticsStore store = AnalyticsStore.open(dir)) {
            return ((Number) store.query(sql).rows().getFirst().getFirst()).longValue();
        }
    }

    private ExportSummary export() {
        try (Exporter exporter = Exporter.create(catalog, bootstrap, dir, smallFiles())) {
            return exporter.runOnce();
        }
    }

    @Test
    void shouldExportCommittedEventsOnceByDayAndResumeWithoutWritingAnythingTwiceOrSkippingAnything() throws Exception {
        sendCommitted(0, 40);
        send(List.of(Events.invocation("aborted-1", "tenant-0", "gpt-4o", DAY_TWO, 999_999, InvocationOutcome.SUCCESS, Map.of())), false);

        ExportSummary first = export();

        assertThat(first.records()).isEqualTo(40);
        assertThat(count("SELECT sum(cost_micros) FROM invocations")).isEqualTo(committedCost);
        assertThat(count("SELECT count(*) FROM invocations WHERE request_id = 'aborted-1'")).as("aborted: never billed").isZero();
        assertThat(count("SELECT count(DISTINCT day) FROM invocations")).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM invocations WHERE day = DATE '2026-12-02' AND ended_at_ms <> " + DAY_ONE)).isZero();
        assertThat(count("SELECT count(*) FROM invocations WHERE labels['team'] = 'team-1'")).isEqualTo(20);

        // nothing new: a second pass writes nothing
        assertThat(export().files()).isZero();

        // the export stopped between the renames of one partition's last range (one file per day):
        // one of its two files never got its name, a temporary file was left behind. The next run
        // removes the other file and writes that range again, exactly once
        List<PartFile> committed = ExportState.scan(dir).files();
        PartFile lastOfRange = committed.stream()
                .filter(f -> f.table().equals("invocations") && f.parts() == 2)
                .filter(f -> committed.stream().noneMatch(o -> o.partition() == f.partition() && o.fromOffset() > f.toOffset()))
                .findFirst().orElseThrow();
        long lostRows = count("SELECT count(*) FROM invocations WHERE kafka_partition = " + lastOfRange.partition()
                + " AND kafka_offset BETWEEN " + lastOfRange.fromOffset() + " AND " + lastOfRange.toOffset());
        assertThat(lostRows).isGreaterThan(1);
        Files.move(lastOfRange.path(dir), lastOfRange.path(dir).resolveSibling(ExportState.TEMP_PREFIX + lastOfRange.fileName()));
        sendCommitted(40, 25);

        ExportSummary second = export();

        assertThat(count("SELECT count(*) FROM invocations")).isEqualTo(committedEvents);
        assertThat(count("SELECT count(DISTINCT event_id) FROM invocations")).as("no duplicates").isEqualTo(committedEvents);
        assertThat(count("SELECT sum(cost_micros) FROM invocations")).isEqualTo(committedCost);
        assertThat(second.records()).isEqualTo(25 + lostRows);
        ExportState state = ExportState.scan(dir); // contiguous ranges, or it throws
        assertThat(state.nextOffsets()).containsAllEntriesOf(second.nextOffsets().entrySet().stream()
                .filter(e -> e.getKey().topic().equals(catalog.topics().invocations()))
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        try (Stream<Path> files = Files.walk(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(ExportState.TEMP_PREFIX));
        }
    }

    @Test
    void shouldKeepUndecodableRecordsWithTheReasonAndExportResultsTheRouterIgnores() throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(catalog.topics().invocations(), 0, "junk", "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8))).get();
            producer.send(new ProducerRecord<>(catalog.topics().invocations(), 0, "r-ok",
                    Codecs.INVOCATION.encode(Events.invocation("r-ok", "acme", "gpt-4o", DAY_TWO, 77, InvocationOutcome.SUCCESS, Map.of())))).get();
            org.apache.kafka.common.header.Headers ignored = new RecordHeaders().add("llm-router-ignore", new byte[] {'1'});
            producer.send(new ProducerRecord<>(catalog.topics().results(), 0, null, "hit-1",
                    Codecs.RESULT.encode(Events.result("hit-1", "acme", DAY_TWO, true, 4_500, Map.of("team", "search", "secret", "x"))), ignored)).get();
        }

        ExportSummary summary = export();

        assertThat(summary.rejected()).isEqualTo(1);
        assertThat(count("SELECT sum(cost_micros) FROM invocations")).isEqualTo(77);
        assertThat(count("SELECT sum(saved_cost_micros) FROM results WHERE cache_hit")).isEqualTo(4_500);
        assertThat(count("SELECT count(*) FROM results WHERE labels['team'] = 'search' AND labels['secret'] IS NULL")).isEqualTo(1);
        try (AnalyticsStore store = AnalyticsStore.open(dir)) {
            List<Object> reject = store.query("SELECT kafka_offset, reason FROM read_parquet('"
                    + dir.resolve("rejects").toAbsolutePath() + "/*/*.parquet')").rows().getFirst();
            assertThat(reject.get(0)).isEqualTo(0L);
            assertThat((String) reject.get(1)).contains("SerializationException");
        }
    }

    @Test
    void shouldRefuseADirectoryWithAnIncompleteRangeBeforeItsLast() throws Exception {
        Path day = Files.createDirectories(dir.resolve("invocations/day=2026-12-03"));
        Files.writeString(day.resolve("part-t-0-0-9-1of2.parquet"), "x");
        Files.writeString(day.resolve("part-t-0-10-12-1of1.parquet"), "x");
        assertThatThrownBy(() -> ExportState.scan(dir)).hasMessageContaining("has 1 of its 2 files");
    }

    @Test
    void shouldRefuseADirectoryWhoseRangesOverlap() throws Exception {
        Path day = Files.createDirectories(dir.resolve("invocations/day=2026-12-03"));
        Files.writeString(day.resolve("part-t-0-0-9-1of1.parquet"), "x");
        Files.writeString(day.resolve("part-t-0-5-12-1of1.parquet"), "x");
        assertThatThrownBy(() -> ExportState.scan(dir)).hasMessageContaining("overlap");
    }
}
