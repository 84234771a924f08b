package io.llmpipeline.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

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
 * The no-overspend proof: two router instances share the work, four waves of requests ask for
 * about three times what the budgets allow, and a worker double bills every admitted request
 * between half and all of its reservation, so released budget is admitted again in later waves.
 * Half-way through, one instance stops and the other takes over its ledgers. The money billed
 * must stay within every limit.
 */
class BudgetBrokerTest {
    @TempDir
    Path stateDir;

    @Test
    void shouldNeverSpendMoreThanTheLimitWithTwoRouterInstancesUnderABurstEvenWhenOneStops() throws Exception {
        KafkaFixture kafka = KafkaFixture.shared();
        Catalog catalog = TestCatalogs.demoModelsWith("""
                routes:
                  - match: ""
                    candidates: [gpt-4o-mini]
                cache:
                  policy: disabled
                budgets:
                  limits:
                    - {scope: tenant, key: "*", limitUsd: 0.05}
                    - {scope: provider, key: sim-openai, limitUsd: 0.08}
                """).withNamePrefix(KafkaFixture.uniquePrefix("budget-proof"));
        try (Admin admin = kafka.admin()) {
            TopicPlan.create(admin, catalog.topics());
        }
        var topics = catalog.topics();
        Map<String, Object> overrides = Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 50,
                StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        int requests = 400; // each reserves ~603 micro-dollars: ~$0.24 asked against $0.08
        try (Router one = Router.start(catalog, kafka.bootstrapServers(), stateDir.resolve("one"), overrides);
             Router two = Router.start(catalog, kafka.bootstrapServers(), stateDir.resolve("two"), overrides);
             WorkerDouble worker = new WorkerDouble(kafka.bootstrapServers(), topics,
                     a -> a.getEstimatedCostMicros() * ThreadLocalRandom.current().nextInt(50, 101) / 100);
             KafkaProducer<String, byte[]> producer = BrokerTopics.producer(kafka.bootstrapServers());
             KafkaConsumer<String, byte[]> results = BrokerTopics.consumer(kafka.bootstrapServers(), topics.results())) {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                    one.streams().state() == KafkaStreams.State.RUNNING && two.streams().state() == KafkaStreams.State.RUNNING);
            for (int i = 0; i < requests; i++) {
                if (i > 0 && i % 100 == 0) {
                    // four waves: reconciled (released) budget from earlier waves is admitted again
                    producer.flush();
                    Thread.sleep(1_500);
                }
                if (i == 200) {
                    // one instance leaves mid-burst: its ledgers move to the other with their changelogs
                    two.close();
                }
                String id = "burst-" + i;
                String tenant = i % 2 == 0 ? "acme" : "beta";
                BrokerTopics.send(producer, topics.requests(), id, Codecs.REQUEST.encode(Requests.valid(id).setTenantId(tenant)
                        .setParams(Requests.params().setMaxTokens(1_000).build()).build()));
            }
            producer.flush();

            Set<String> answered = new HashSet<>();
            int[] refused = {0};
            BrokerTopics.readUntil(results, seen -> {
                answered.clear();
                refused[0] = 0;
                for (var record : seen) {
                    LlmResult r = Codecs.RESULT.decode(record.value());
                    if (answered.add(r.getRequestId()) && r.getStatus() == ResultStatus.ERROR) {
                        assertThat(r.getError().getKind()).isEqualTo(ErrorKind.BUDGET_EXCEEDED);
                        refused[0]++;
                    }
                }
                return answered.size() == requests;
            }, Duration.ofSeconds(90));

            assertThat(worker.spentMicros.get()).as("provider sim-openai spend").isLessThanOrEqualTo(80_000);
            assertThat(worker.spentByTenant.get("acme").get()).isLessThanOrEqualTo(50_000);
            assertThat(worker.spentByTenant.get("beta").get()).isLessThanOrEqualTo(50_000);
            long admitted = worker.calls.get();
            org.slf4j.LoggerFactory.getLogger(BudgetBrokerTest.class).info(
                    "budget proof: {} admitted, {} refused, billed {} micro-dollars (acme {}, beta {}) against limits 80000 / 50000 each",
                    admitted, refused[0], worker.spentMicros.get(), worker.spentByTenant.get("acme"), worker.spentByTenant.get("beta"));
            assertThat(admitted + refused[0]).isEqualTo(requests);
            // even if no reservation were ever reconciled, 80 000 / 603 requests fit
            assertThat(admitted).isGreaterThanOrEqualTo(132);
            assertThat(refused[0]).isGreaterThan(100);
        }
    }
}
