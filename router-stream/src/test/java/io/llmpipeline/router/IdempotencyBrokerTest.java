package io.llmpipeline.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.CatalogLoader;
import io.llmpipeline.catalog.TopicPlan;
import io.llmpipeline.router.internals.TerminalResults;
import io.llmpipeline.schemas.Codecs;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.ResultStatus;
import io.llmpipeline.testkit.KafkaFixture;

class IdempotencyBrokerTest {
    @TempDir
    Path stateDir;

    @Test
    void shouldMakeExactlyOneProviderCallForFiftyConcurrentRequestsWithOneIdempotencyKey() throws Exception {
        KafkaFixture kafka = KafkaFixture.shared();
        Catalog catalog = CatalogLoader.loadDefault().withNamePrefix(KafkaFixture.uniquePrefix("idempotency"));
        try (Admin admin = kafka.admin()) {
            TopicPlan.create(admin, catalog.topics());
        }
        var topics = catalog.topics();
        int requests = 50;
        int senders = 5;
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        try (Router router = Router.start(catalog, kafka.bootstrapServers(), stateDir, Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 50));
             WorkerDouble worker = new WorkerDouble(kafka.bootstrapServers(), topics, a -> 2_345);
             KafkaConsumer<String, byte[]> results = BrokerTopics.consumer(kafka.bootstrapServers(), topics.results())) {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> router.streams().state() == KafkaStreams.State.RUNNING);
            // five producers at once; temperature 0.7 keeps the response cache out of it
            CountDownLatch go = new CountDownLatch(1);
            for (int s = 0; s < senders; s++) {
                int sender = s;
                pool.submit(() -> {
                    try (KafkaProducer<String, byte[]> producer = BrokerTopics.producer(kafka.bootstrapServers())) {
                        go.await();
                        for (int i = sender; i < requests; i += senders) {
                            String id = "retry-" + i;
                            BrokerTopics.send(producer, topics.requests(), id, Codecs.REQUEST.encode(Requests.valid(id)
                                    .setIdempotencyKey("payment-7").setParams(Requests.params().setTemperature(0.7).build()).build()));
                        }
                        producer.flush();
                    }
                    return null;
                });
            }
            go.countDown();
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

            Map<String, LlmResult> byId = new HashMap<>();
            BrokerTopics.readUntil(results, seen -> {
                for (var record : seen.subList(Math.min(byId.size(), seen.size()), seen.size())) {
                    LlmResult r = Codecs.RESULT.decode(record.value());
                    byId.put(r.getRequestId(), r);
                }
                return byId.size() >= requests;
            }, Duration.ofSeconds(60));

            assertThat(worker.calls.get()).isEqualTo(1);
            assertThat(byId).hasSize(requests);
            assertThat(byId.values()).allSatisfy(r -> assertThat(r.getStatus()).isEqualTo(ResultStatus.OK));
            assertThat(byId.values().stream().filter(r -> r.getMetadata().containsKey(TerminalResults.REPLAY_OF)).count())
                    .isEqualTo(requests - 1);
            assertThat(byId.values().stream().mapToLong(LlmResult::getCostMicros).sum()).as("billed once").isEqualTo(2_345);
        } finally {
            pool.shutdownNow();
        }
    }
}
