package io.llmpipeline.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.CatalogLoader;
import io.llmpipeline.catalog.TopicPlan;
import io.llmpipeline.schemas.CachePolicy;
import io.llmpipeline.schemas.Codecs;
import io.llmpipeline.schemas.DlqEnvelope;
import io.llmpipeline.schemas.ErrorKind;
import io.llmpipeline.schemas.LlmAssignment;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.Priority;
import io.llmpipeline.testkit.KafkaFixture;

class RouterBrokerTest {
    @TempDir
    Path stateDir;

    @Test
    void shouldAssignIntoThePriorityBandAndRefuseAndDeadLetterOnARealBroker() throws Exception {
        KafkaFixture kafka = KafkaFixture.shared();
        Catalog catalog = CatalogLoader.loadDefault().withNamePrefix(KafkaFixture.uniquePrefix("router-broker"));
        try (Admin admin = kafka.admin()) {
            TopicPlan.create(admin, catalog.topics());
        }
        var topics = catalog.topics();
        try (Router router = Router.start(catalog, kafka.bootstrapServers(), Files.createDirectories(stateDir.resolve("a")),
                Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 50));
             KafkaProducer<String, byte[]> producer = BrokerTopics.producer(kafka.bootstrapServers());
             KafkaConsumer<String, byte[]> assigned = BrokerTopics.consumer(kafka.bootstrapServers(), topics.assigned());
             KafkaConsumer<String, byte[]> results = BrokerTopics.consumer(kafka.bootstrapServers(), topics.results());
             KafkaConsumer<String, byte[]> dlq = BrokerTopics.consumer(kafka.bootstrapServers(), topics.dlq())) {
            assertThat(router.streams()).isNotNull();
            BrokerTopics.send(producer, topics.requests(), "junk", "\u0000garbage".getBytes(StandardCharsets.UTF_8));
            for (Priority priority : Priority.values()) {
                String id = "req-" + priority;
                BrokerTopics.send(producer, topics.requests(), id,
                        Codecs.REQUEST.encode(Requests.valid(id).setPriority(priority).setCachePolicy(CachePolicy.DISABLED).build()));
            }
            BrokerTopics.send(producer, topics.requests(), "bad", Codecs.REQUEST.encode(Requests.valid("bad").setTenantId("").build()));
            producer.flush();

            List<ConsumerRecord<String, byte[]>> out = BrokerTopics.readUntil(assigned, seen -> seen.size() >= 5, Duration.ofSeconds(60));
            for (ConsumerRecord<String, byte[]> record : out) {
                LlmAssignment a = Codecs.ASSIGNMENT.decode(record.value());
                Priority priority = a.getRequest().getPriority();
                assertThat(catalog.bands().priorityOf(record.partition())).as(record.key()).isEqualTo(priority);
                assertThat(record.partition()).isEqualTo(catalog.bands().partitionFor(priority, record.key()));
            }
            LlmResult refused = Codecs.RESULT.decode(BrokerTopics.readUntil(results, seen -> !seen.isEmpty(), Duration.ofSeconds(30))
                    .getFirst().value());
            assertThat(refused.getRequestId()).isEqualTo("bad");
            assertThat(refused.getError().getKind()).isEqualTo(ErrorKind.INVALID_REQUEST);
            DlqEnvelope dead = Codecs.DLQ.decode(BrokerTopics.readUntil(dlq, seen -> !seen.isEmpty(), Duration.ofSeconds(30))
                    .getFirst().value());
            assertThat(dead.getSourceTopic()).isEqualTo(topics.requests());
            assertThat(dead.getReason()).contains("LlmRequest");
        }
    }
}
