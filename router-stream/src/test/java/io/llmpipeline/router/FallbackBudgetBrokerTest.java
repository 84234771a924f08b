package io.llmpipeline.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.TopicPlan;
import io.llmpipeline.schemas.Codecs;
import io.llmpipeline.schemas.ErrorKind;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.ResultStatus;
import io.llmpipeline.testkit.KafkaFixture;

/**
 * The no-overspend property on a real broker when every request fails over to another provider:
 * claude-3-5-haiku (sim-anthropic, no limit) falls back to gpt-4o-mini (sim-openai, $0.05 a day),
 * and the worker double bills each admitted request its whole reservation on sim-openai.
 */
class FallbackBudgetBrokerTest {
    @TempDir
    Path stateDir;

    @Test
    void shouldKeepTheFallbackProviderWithinItsLimitWhenEveryRequestFailsOverToIt() throws Exception {
        KafkaFixture kafka = KafkaFixture.shared();
        Catalog catalog = TestCatalogs.demoModelsWith("""
                routes:
                  - match: ""
                    candidates: [claude-3-5-haiku, gpt-4o-mini]
                cache: {policy: disabled}
                budgets:
                  limits:
                    - {scope: provider, key: sim-openai, limitUsd: 0.05}
                """).withNamePrefix(KafkaFixture.uniquePrefix("fallback-budget"));
        try (Admin admin = kafka.admin()) {
            TopicPlan.create(admin, catalog.topics());
        }
        var topics = catalog.topics();
        int requests = 40;
        try (Router router = Router.start(catalog, kafka.bootstrapServers(), stateDir, Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 50));
             WorkerDouble worker = new WorkerDouble(kafka.bootstrapServers(), topics, a -> a.getEstimatedCostMicros(), true);
             KafkaProducer<String, byte[]> producer = BrokerTopics.producer(kafka.bootstrapServers());
             KafkaConsumer<String, byte[]> results = BrokerTopics.consumer(kafka.bootstrapServers(), topics.results())) {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> router.streams().state() == KafkaStreams.State.RUNNING);
            for (int i = 0; i < requests; i++) {
                String id = "fo-" + i;
                BrokerTopics.send(producer, topics.requests(), id, Codecs.REQUEST.encode(Requests.valid(id)
                        .setParams(Requests.params().setMaxTokens(1_000).build()).build()));
            }
            producer.flush();

            Map<String, LlmResult> byId = new HashMap<>();
            BrokerTopics.readUntil(results, seen -> {
                for (var record : seen.subList(Math.min(byId.size(), seen.size()), seen.size())) {
                    LlmResult r = Codecs.RESULT.decode(record.value());
                    byId.put(r.getRequestId(), r);
                }
                return byId.size() >= requests;
            }, Duration.ofSeconds(60));

            long admitted = byId.values().stream().filter(r -> r.getStatus() == ResultStatus.OK).count();
            long worstCase = worker.spentMicros.get() / Math.max(1, worker.calls.get());
            assertThat(worker.spentMicros.get()).as("billed on sim-openai").isLessThanOrEqualTo(50_000);
            assertThat(admitted).isEqualTo(worker.calls.get()).isEqualTo(50_000 / worstCase);
            assertThat(byId.values().stream().filter(r -> r.getStatus() == ResultStatus.ERROR))
                    .hasSize(requests - (int) admitted)
                    .allSatisfy(r -> assertThat(r.getError().getKind()).isEqualTo(ErrorKind.BUDGET_EXCEEDED));
        }
    }
}
