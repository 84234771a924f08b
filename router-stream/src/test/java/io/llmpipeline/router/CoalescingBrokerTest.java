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
import io.llmpipeline.catalog.CatalogLoader;
import io.llmpipeline.catalog.TopicPlan;
import io.llmpipeline.schemas.Codecs;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.ResultStatus;
import io.llmpipeline.testkit.KafkaFixture;

class CoalescingBrokerTest {
    @TempDir
    Path stateDir;

    @Test
    void shouldMakeExactlyOneProviderCallForAThousandIdenticalConcurrentRequests() throws Exception {
        KafkaFixture kafka = KafkaFixture.shared();
        Catalog catalog = CatalogLoader.loadDefault().withNamePrefix(KafkaFixture.uniquePrefix("coalesce"));
        try (Admin admin = kafka.admin()) {
            TopicPlan.create(admin, catalog.topics());
        }
        var topics = catalog.topics();
        int requests = 1_000;
        try (Router router = Router.start(catalog, kafka.bootstrapServers(), stateDir, Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 50));
             WorkerDouble worker = new WorkerDouble(kafka.bootstrapServers(), topics, a -> 1_234);
             KafkaProducer<String, byte[]> producer = BrokerTopics.producer(kafka.bootstrapServers());
             KafkaConsumer<String, byte[]> results = BrokerTopics.consumer(kafka.bootstrapServers(), topics.results())) {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> router.streams().state() == KafkaStreams.State.RUNNING);
            for (int i = 0; i < requests; i++) {
                String id = "same-" + i;
                BrokerTopics.send(producer, topics.requests(), id, Codecs.REQUEST.encode(Requests.valid(id).build()));
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

            assertThat(worker.calls.get()).isEqualTo(1);
            assertThat(byId.values()).allSatisfy(r -> assertThat(r.getStatus()).isEqualTo(ResultStatus.OK));
            assertThat(byId.values().stream().filter(LlmResult::getCacheHit).count()).isEqualTo(requests - 1);
            assertThat(byId.values().stream().filter(LlmResult::getCacheHit).mapToLong(LlmResult::getSavedCostMicros).sum())
                    .isEqualTo(1_234L * (requests - 1));
        }
    }
}
