package io.llmpipeline.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.CatalogLoader;
import io.llmpipeline.catalog.TopicPlan;
import io.llmpipeline.schemas.Codecs;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.Priority;
import io.llmpipeline.schemas.ResultStatus;
import io.llmpipeline.schemas.Usage;
import io.llmpipeline.testkit.KafkaFixture;

/** The client against a real broker, with a test responder playing the pipeline's part. */
class LlmClientTest {
    private final KafkaFixture kafka = KafkaFixture.shared();
    private final Catalog catalog = CatalogLoader.loadDefault().withNamePrefix(KafkaFixture.uniquePrefix("client"));

    @Test
    void shouldCompleteEachSubmitWithItsOwnResultAndBandEachPriority() throws Exception {
        try (var admin = kafka.admin()) {
            TopicPlan.create(admin, catalog.topics());
        }
        try (LlmClient client = LlmClient.connect(catalog, kafka.bootstrapServers());
             var consumer = requestConsumer()) {
            List<CompletableFuture<LlmResult>> futures = new ArrayList<>();
            List<LlmRequest> sent = new ArrayList<>();
            for (Priority priority : Priority.values()) {
                for (int i = 0; i < 4; i++) {
                    LlmRequest request = Requests.chat("acme", "demo", priority, "q" + priority + i).build();
                    sent.add(request);
                    futures.add(client.submit(request, Duration.ofSeconds(30)));
                }
            }
            int answered = 0;
            long deadline = System.currentTimeMillis() + 30_000;
            try (var responder = resultProducer()) {
                while (answered < sent.size() && System.currentTimeMillis() < deadline) {
                    for (var record : consumer.poll(Duration.ofMillis(100))) {
                        LlmRequest request = Codecs.REQUEST.decode(record.value());
                        assertThat(catalog.bands().priorityOf(record.partition())).isEqualTo(request.getPriority());
                        responder.send(new ProducerRecord<>(catalog.topics().results(), request.getRequestId(),
                                Codecs.RESULT.encode(answer(request))));
                        answered++;
                    }
                }
            }
            for (int i = 0; i < sent.size(); i++) {
                LlmResult result = futures.get(i).get(30, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(result.getRequestId()).isEqualTo(sent.get(i).getRequestId());
                assertThat(result.getOutput()).isEqualTo("echo " + sent.get(i).getMessages().get(0).getContent());
            }
            assertThat(client.awaiting()).isZero();
        }
    }

    @Test
    void shouldTimeOutASubmitWhoseResultNeverComes() throws Exception {
        try (var admin = kafka.admin()) {
            TopicPlan.create(admin, catalog.topics());
        }
        try (LlmClient client = LlmClient.connect(catalog, kafka.bootstrapServers())) {
            var future = client.submit(Requests.chat("acme", "demo", Priority.LOW, "lost").build(), Duration.ofMillis(300));
            assertThatThrownBy(() -> future.get(10, java.util.concurrent.TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TimeoutException.class);
        }
    }

    private static LlmResult answer(LlmRequest request) {
        return LlmResult.newBuilder().setRequestId(request.getRequestId()).setTenantId(request.getTenantId())
                .setTaskType(request.getTaskType()).setStatus(ResultStatus.OK)
                .setOutput("echo " + request.getMessages().get(0).getContent())
                .setUsage(new Usage(1, 1, 0, 0)).setCompletedAtMs(System.currentTimeMillis()).build();
    }

    private KafkaConsumer<String, byte[]> requestConsumer() {
        var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, catalog.topics().requests() + ".test",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new org.apache.kafka.common.serialization.ByteArrayDeserializer());
        consumer.subscribe(Set.of(catalog.topics().requests()));
        return consumer;
    }

    private KafkaProducer<String, byte[]> resultProducer() {
        return new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer());
    }
}
