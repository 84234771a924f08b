package io.llmpipeline.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.llmpipeline.client.LlmClient;
import io.llmpipeline.client.Requests;
import io.llmpipeline.schemas.Codecs;
import io.llmpipeline.schemas.DlqEnvelope;
import io.llmpipeline.schemas.ErrorKind;
import io.llmpipeline.schemas.GenerationParams;
import io.llmpipeline.schemas.InvocationEvent;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.Priority;
import io.llmpipeline.schemas.ResultStatus;
import io.llmpipeline.testkit.KafkaFixture;

/** The whole pipeline on a real broker: client, router, worker, simulator. */
class PipelineEndToEndTest {
    @TempDir
    static Path workDir;
    static LocalPipeline pipeline;
    static LlmClient client;

    @BeforeAll
    static void startPipeline() {
        String prefix = KafkaFixture.uniquePrefix("e2e");
        pipeline = LocalPipeline.start(LocalPipeline.Options.defaults(workDir)
                .withBootstrap(KafkaFixture.shared().bootstrapServers())
                .withAdjust(catalog -> catalog.withNamePrefix(prefix)));
        client = LlmClient.connect(pipeline.catalog(), pipeline.bootstrapServers());
    }

    @AfterAll
    static void stopPipeline() {
        client.close();
        pipeline.close();
    }

    @Test
    void shouldAnswerTwoHundredRequestsAcrossAllPrioritiesWithOneResultAndOneInvocationEach() throws Exception {
        List<LlmRequest> sent = new ArrayList<>();
        List<CompletableFuture<LlmResult>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Priority priority = Priority.values()[i % Priority.values().length];
            LlmRequest request = Requests.chat("tenant-" + (i % 3), i % 2 == 0 ? "summarize.email" : "chat", priority, "question " + i)
                    .setRequestId("e2e-" + i)
                    .setParams(GenerationParams.newBuilder().setMaxTokens(64).build())
                    .build();
            sent.add(request);
            futures.add(client.submit(request, Duration.ofSeconds(60)));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(90, TimeUnit.SECONDS);

        for (int i = 0; i < sent.size(); i++) {
            LlmResult result = futures.get(i).get();
            assertThat(result.getRequestId()).isEqualTo(sent.get(i).getRequestId());
            assertThat(result.getStatus()).as(result.toString()).isEqualTo(ResultStatus.OK);
            assertThat(result.getOutput()).endsWith("question " + i);
            assertThat(result.getTenantId()).isEqualTo(sent.get(i).getTenantId());
        }
        Set<String> ids = sent.stream().map(LlmRequest::getRequestId).collect(Collectors.toSet());
        List<LlmResult> onTopic = awaitRecords(pipeline.catalog().topics().results(), Codecs.RESULT::decode,
                r -> ids.contains(r.getRequestId()), 200);
        assertThat(onTopic).extracting(LlmResult::getRequestId).doesNotHaveDuplicates().hasSize(200);
        List<InvocationEvent> invocations = awaitRecords(pipeline.catalog().topics().invocations(), Codecs.INVOCATION::decode,
                e -> ids.contains(e.getRequestId()), 200);
        assertThat(invocations).hasSize(200);
        assertThat(invocations).extracting(InvocationEvent::getRequestId).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(invocations).allSatisfy(e -> {
            assertThat(e.getBilled()).isTrue();
            assertThat(e.getCostMicros()).isPositive();
        });
    }

    @Test
    void shouldAnswerAnInvalidRequestWithAnErrorResultSayingWhy() throws Exception {
        LlmRequest invalid = Requests.chat("acme", "chat", Priority.HIGH, "hello")
                .setParams(GenerationParams.newBuilder().setMaxTokens(0).build())
                .build();
        LlmResult result = client.submit(invalid, Duration.ofSeconds(30)).get(40, TimeUnit.SECONDS);
        assertThat(result.getStatus()).isEqualTo(ResultStatus.ERROR);
        assertThat(result.getError().getKind()).isEqualTo(ErrorKind.INVALID_REQUEST);
        assertThat(result.getError().getMessage()).contains("max_tokens");
    }

    @Test
    void shouldSendUndecodableBytesToTheDlqAndKeepServing() throws Exception {
        String topic = pipeline.catalog().topics().requests();
        try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(topic, 0, "garbage-1", "{\"not\": \"avro\"}".getBytes())).get();
        }
        LlmResult after = client.submit(Requests.chat("acme", "chat", Priority.CRITICAL, "still there?").build(),
                Duration.ofSeconds(30)).get(40, TimeUnit.SECONDS);
        assertThat(after.getStatus()).isEqualTo(ResultStatus.OK);

        List<DlqEnvelope> dead = awaitRecords(pipeline.catalog().topics().dlq(), Codecs.DLQ::decode,
                d -> "garbage-1".equals(d.getKey() == null ? null : new String(d.getKey().array())), 1);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).getSourceTopic()).isEqualTo(topic);
        assertThat(dead.get(0).getReason()).isNotBlank();
        assertThat(dead.get(0).getStage()).isEqualTo("router");
    }

    private static <T> List<T> awaitRecords(String topic, java.util.function.Function<byte[], T> decode,
                                            java.util.function.Predicate<T> mine, int expected) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        List<T> found = List.of();
        while (System.currentTimeMillis() < deadline) {
            found = TopicReader.readAll(pipeline.bootstrapServers(), topic, decode).stream().filter(mine).toList();
            if (found.size() >= expected) {
                Thread.sleep(500); // a duplicate would arrive right behind; give it the chance to show up
                return TopicReader.readAll(pipeline.bootstrapServers(), topic, decode).stream().filter(mine).toList();
            }
            Thread.sleep(200);
        }
        return found;
    }
}
