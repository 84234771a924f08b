package io.llmpipeline.analytics.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.llmpipeline.analytics.Events;
import io.llmpipeline.analytics.export.Exporter;
import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.CatalogLoader;
import io.llmpipeline.schemas.Codecs;
import io.llmpipeline.schemas.InvocationEvent;
import io.llmpipeline.schemas.InvocationOutcome;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.SpendAnomaly;
import io.llmpipeline.testkit.KafkaFixture;

/**
 * The reports over Parquet the exporter wrote from a day of events on a real broker, at a fixed
 * "now" (2026-12-03 12:00 UTC): a steady tenant, a tenant whose spend jumps in the last hour, two
 * models on one task type with the same success rate, a route answered from the cache a lot.
 */
class CostReportsTest {
    static final long NOW = Instant.parse("2026-12-03T12:00:00Z").toEpochMilli();
    static final long HOUR = 3_600_000L;
    static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);

    @TempDir
    static Path dir;
    static Catalog catalog;
    static AnalyticsStore store;
    static long total;
    static long failedBilled;
    static long shadow;

    @BeforeAll
    static void exportADayOfEvents() throws Exception {
        catalog = CatalogLoader.loadDefault().withNamePrefix(KafkaFixture.uniquePrefix("reports"));
        KafkaFixture.shared().admin().createTopics(List.of(
                new NewTopic(catalog.topics().invocations(), 2, (short) 1),
                new NewTopic(catalog.topics().results(), 2, (short) 1))).all().get();
        List<InvocationEvent> events = new ArrayList<>();
        for (int h = 24; h >= 0; h--) {
            long at = NOW - h * HOUR - 60_000; // h = 0: inside the last hour
            for (int i = 0; i < 10; i++) {
                events.add(Events.attempt("steady-" + h + "-" + i, "acme", "chat", "gpt-4o", at, 10_000, 1_000, 200)
                        .setLabels(Map.of("team", i < 4 ? "search" : "ads")).build());
            }
            int burst = h == 0 ? 20 : 1;
            for (int i = 0; i < burst; i++) {
                events.add(Events.attempt("burst-" + h + "-" + i, "globex", "chat", "gpt-4o", at, 20_000, 2_000, 400).build());
            }
        }
        for (int i = 0; i < 25; i++) {
            long at = NOW - 2 * HOUR + i * 1_000;
            events.add(Events.attempt("sum-" + i, "acme", "summarize", "gpt-4o", at, 5_000, 1_500, 125).build());
            events.add(Events.attempt("sum-" + i, "acme", "summarize", "gpt-4o-mini", at, 300, 1_500, 125)
                    .setEventId("sum-" + i + "/shadow").setShadow(true).build());
        }
        events.add(Events.attempt("fail-1", "acme", "chat", "gpt-4o", NOW - HOUR * 3, 7_000, 1_000, 0)
                .setOutcome(InvocationOutcome.INTERRUPTED).setInterrupted(true).build());
        events.add(Events.attempt("rejected-1", "acme", "chat", "gpt-4o", NOW - HOUR * 3, 0, 0, 0)
                .setOutcome(InvocationOutcome.REJECTED).build());
        List<LlmResult> results = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            results.add(Events.result("faq-" + i, "acme", NOW - HOUR, i % 2 == 0, i % 2 == 0 ? 5_000 : 0, Map.of()));
        }
        for (InvocationEvent e : events) {
            total += e.getCostMicros();
            failedBilled += e.getBilled() && e.getOutcome() != InvocationOutcome.SUCCESS ? e.getCostMicros() : 0;
            shadow += e.getShadow() ? e.getCostMicros() : 0;
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaFixture.shared().bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            for (InvocationEvent e : events) {
                producer.send(new ProducerRecord<>(catalog.topics().invocations(), e.getRequestId(), Codecs.INVOCATION.encode(e)));
            }
            for (LlmResult r : results) {
                producer.send(new ProducerRecord<>(catalog.topics().results(), r.getRequestId(),
                        Codecs.RESULT.encode(r.getRequestId().equals("faq-0") ? r : withTaskType(r))));
            }
        }
        try (Exporter exporter = Exporter.create(catalog, KafkaFixture.shared().bootstrapServers(), dir, Exporter.Options.defaults())) {
            exporter.runOnce();
        }
        store = AnalyticsStore.open(dir);
    }

    private static LlmResult withTaskType(LlmResult r) {
        r.setTaskType("faq");
        return r;
    }

    @AfterAll
    static void close() {
        store.close();
    }

    @Test
    void shouldGroupSpendByTenantAndLabelWithATotalEqualToEveryBilledAttempt() {
        Table byTenantAndTeam = new CostReports(store, CLOCK).spend(Dimension.parseList("tenant,label:team"), null);

        assertThat(byTenantAndTeam.sum("spend_micros")).isEqualTo(total);
        assertThat(byTenantAndTeam.sum("failed_billed_micros")).isEqualTo(failedBilled).isEqualTo(7_000);
        assertThat(byTenantAndTeam.sum("shadow_micros")).isEqualTo(shadow).isEqualTo(25 * 300);
        List<Object> acmeSearch = byTenantAndTeam.rows().stream()
                .filter(r -> r.get(0).equals("acme") && r.get(1).equals("search")).findFirst().orElseThrow();
        assertThat(acmeSearch.get(byTenantAndTeam.column("spend_micros"))).isEqualTo(25L * 4 * 10_000);
        assertThat(byTenantAndTeam.rows()).anySatisfy(r -> assertThat(r.subList(0, 2)).containsExactly("globex", "(none)"));
    }

    @Test
    void shouldLimitSpendToTheLookBack() {
        Table lastHour = new CostReports(store, CLOCK).spend(Dimension.parseList("tenant"), Duration.ofHours(1));
        assertThat(lastHour.sum("spend_micros")).isEqualTo(10 * 10_000 + 20 * 20_000);
    }

    @Test
    void shouldRankModelsPerTaskTypeAndRecommendTheCheaperOneWithTheSameSuccessRate() {
        Table rankings = new CostReports(store, CLOCK).modelRankings(null);
        List<Object> mini = rankings.rows().stream().filter(r -> r.get(0).equals("summarize") && r.get(1).equals("gpt-4o-mini"))
                .findFirst().orElseThrow();
        assertThat(mini.get(rankings.column("success_percent"))).isEqualTo(100.0);
        assertThat(((Number) mini.get(rankings.column("tokens_per_usd"))).longValue()).isEqualTo(Math.round(1625 * 1_000_000 / 300.0));
        assertThat(mini.get(rankings.column("p95_latency_ms"))).isEqualTo(500L);

        Table advice = Recommendations.defaults().report(store, CLOCK, catalog, null);
        assertThat(advice.rows()).anySatisfy(r -> {
            assertThat(r.get(0)).isEqualTo("cheaper_model");
            assertThat((String) r.get(2)).contains("from gpt-4o to gpt-4o-mini");
            assertThat(r.get(3)).isEqualTo(Math.round(25 * 5_000 * (1 - 300.0 / 5_000)));
        });
        assertThat(advice.rows()).anySatisfy(r -> {
            assertThat(r.get(0)).isEqualTo("raise_cache_ttl");
            assertThat(r.get(1)).isEqualTo("faq");
            assertThat(r.get(3)).isEqualTo(15L * 5_000 - 5_000); // faq-0 stayed on task type "chat"
        });
        assertThat(new CostReports(store, CLOCK).cacheSavings(null).sum("saved_micros")).isEqualTo(15L * 5_000);
    }

    @Test
    void shouldProjectBudgetExhaustionFromTheBurnRateSoFar() {
        Catalog budgeted = CatalogLoader.parse("""
                providers: {p: {kind: openai, baseUrl: "http://localhost:1/v1"}}
                models: {gpt-4o: {provider: p}}
                routes: [{match: "", candidates: [gpt-4o]}]
                budgets:
                  limits:
                    - {scope: tenant, key: globex, window: daily, limitUsd: 1.0}
                    - {scope: tenant, key: "*", window: monthly, limitUsd: 1000}
                """, "t", k -> null);

        Table burn = new BudgetBurn(store, CLOCK).report(budgeted);

        List<Object> globexToday = burn.rows().get(0);
        // today until 12:00: 11 baseline hours (01:59 .. 10:59) at 20,000 plus 20 calls in the last hour
        long spentToday = 11 * 20_000 + 20 * 20_000;
        assertThat(globexToday.subList(0, 5)).containsExactly("tenant", "globex", "daily", 1_000_000L, spentToday);
        assertThat(globexToday.get(burn.column("projected_micros"))).isEqualTo(2 * spentToday);
        assertThat(globexToday.get(burn.column("exhausted_at"))).isEqualTo(
                Instant.ofEpochMilli(NOW - 12 * HOUR + 1_000_000L * 12 * HOUR / spentToday).toString());
        assertThat(burn.rows()).filteredOn(r -> r.get(2).equals("monthly")).extracting(r -> r.get(1)).containsExactlyInAnyOrder("acme", "globex");
    }

    @Test
    void shouldFlagTheTenantWhoseLastHourFarExceedsItsBaselineAndPublishItAsAnAlert() {
        SpendAnomalies detector = SpendAnomalies.defaults();
        Table anomalies = detector.detect(store, CLOCK, Dimension.parse("tenant"));

        assertThat(anomalies.rows()).hasSize(1);
        assertThat(anomalies.rows().getFirst().subList(0, 2)).containsExactly("tenant", "globex");
        assertThat(anomalies.rows().getFirst().get(anomalies.column("spent_micros"))).isEqualTo(400_000L);
        assertThat(anomalies.rows().getFirst().get(anomalies.column("baseline_micros"))).isEqualTo(20_000L);

        String topic = catalog.topics().invocations() + ".anomalies";
        assertThat(AnomalyPublisher.publish(KafkaFixture.shared().bootstrapServers(), topic, anomalies,
                detector.baseline().toMillis(), CLOCK)).isEqualTo(1);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaFixture.shared().bootstrapServers()),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<ConsumerRecord<String, byte[]>> got = new ArrayList<>();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(got::add);
                return !got.isEmpty();
            });
            SpendAnomaly alert = AnomalyPublisher.CODEC.decode(got.getFirst().value());
            assertThat(got.getFirst().key()).isEqualTo("tenant:globex:" + (NOW - HOUR));
            assertThat(alert.getSpentMicros()).isEqualTo(400_000L);
            assertThat(alert.getDetectedAtMs()).isEqualTo(NOW);
        }
    }
}
