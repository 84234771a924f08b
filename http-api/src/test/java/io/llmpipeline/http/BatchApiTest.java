package io.llmpipeline.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponse;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.batches.Batch;
import com.openai.models.batches.BatchCreateParams;
import com.openai.models.batches.BatchListPage;
import com.openai.models.batches.BatchListParams;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FileObject;
import com.openai.models.files.FilePurpose;

import io.llmpipeline.sim.FaultScript;

/** OpenAI's batch code, unchanged, through the official Java SDK against the real pipeline. */
@ExtendWith(SharedPipeline.class)
class BatchApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Scripted slow for the cancel test only; no other test of this module uses it. */
    private static final String SLOW_MODEL = "gpt-3.5-turbo";

    static PipelineUnderTest pipeline;
    static HttpApi api;

    @TempDir
    Path dir;

    @BeforeAll
    static void start(PipelineUnderTest shared) {
        pipeline = shared;
        api = pipeline.startApi(HttpApiOptions.defaults());
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    private static OpenAIClient client(String key) {
        return OpenAIOkHttpClient.builder().apiKey(key).baseUrl(api.baseUrl() + "/v1").maxRetries(0)
                .timeout(Duration.ofSeconds(60)).build();
    }

    private Path prompts(String name, String model, int lines) throws IOException {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= lines; i++) {
            out.add(JSON.writeValueAsString(Map.of("custom_id", "q-" + i, "method", "POST", "url", "/v1/chat/completions",
                    "body", Map.of("model", model, "max_tokens", 32,
                            "messages", List.of(Map.of("role", "user", "content", "question " + i))))));
        }
        return Files.write(dir.resolve(name), out);
    }

    private static FileObject upload(OpenAIClient client, Path file) {
        return client.files().create(FileCreateParams.builder().file(file).purpose(FilePurpose.BATCH).build());
    }

    private static Batch create(OpenAIClient client, String fileId) {
        return client.batches().create(BatchCreateParams.builder().inputFileId(fileId)
                .endpoint(BatchCreateParams.Endpoint.V1_CHAT_COMPLETIONS)
                .completionWindow(BatchCreateParams.CompletionWindow._24H)
                .metadata(BatchCreateParams.Metadata.builder().putAdditionalProperty("job", JsonValue.from("nightly")).build())
                .build());
    }

    private static List<JsonNode> lines(HttpResponse response) throws IOException {
        try (response; InputStream body = response.body()) {
            List<JsonNode> parsed = new ArrayList<>();
            for (String line : new String(body.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    parsed.add(JSON.readTree(line));
                }
            }
            return parsed;
        }
    }

    @Test
    void shouldRunAnUploadedFileAsABatchAndServeOneAnswerPerLineWithRealUsage() throws Exception {
        OpenAIClient acme = client(PipelineUnderTest.ACME_KEY);
        Path input = prompts("twenty.jsonl", "gpt-4o-mini", 20);

        FileObject file = upload(acme, input);
        assertThat(file.id()).startsWith("file-");
        assertThat(file.bytes()).isEqualTo(Files.size(input));
        assertThat(file.filename()).isEqualTo("twenty.jsonl");
        assertThat(file.purpose()).isEqualTo(FileObject.Purpose.BATCH);

        Batch created = create(acme, file.id());
        assertThat(created.id()).startsWith("batch_");
        assertThat(created.inputFileId()).isEqualTo(file.id());
        assertThat(created.endpoint()).isEqualTo("/v1/chat/completions");
        assertThat(created.status()).isIn(Batch.Status.VALIDATING, Batch.Status.IN_PROGRESS, Batch.Status.COMPLETED);

        Batch done = await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .until(() -> acme.batches().retrieve(created.id()), b -> Batch.Status.COMPLETED.equals(b.status()));
        assertThat(done.requestCounts()).hasValueSatisfying(counts -> {
            assertThat(counts.total()).isEqualTo(20);
            assertThat(counts.completed()).isEqualTo(20);
            assertThat(counts.failed()).isZero();
        });
        assertThat(done.completedAt()).isPresent();
        assertThat(done.errorFileId()).isEmpty();
        assertThat(done.metadata()).hasValueSatisfying(m ->
                assertThat(m._additionalProperties().get("job")).isEqualTo(JsonValue.from("nightly")));
        String outputId = done.outputFileId().orElseThrow();
        assertThat(acme.files().retrieve(outputId).purpose()).isEqualTo(FileObject.Purpose.BATCH_OUTPUT);

        List<JsonNode> output = lines(acme.files().content(outputId));
        assertThat(output).extracting(l -> l.path("custom_id").asText())
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 20).mapToObj(i -> "q-" + i).toList());
        assertThat(output).allSatisfy(line -> {
            assertThat(line.at("/response/status_code").asInt()).isEqualTo(200);
            assertThat(line.at("/response/body/usage/prompt_tokens").asLong()).isPositive();
            assertThat(line.at("/response/body/usage/completion_tokens").asLong()).isPositive();
            assertThat(line.at("/response/body/choices/0/message/content").asText())
                    .endsWith(line.path("custom_id").asText().replace("q-", "question "));
        });

        BatchListPage first = acme.batches().list(BatchListParams.builder().limit(1).build());
        assertThat(first.data()).hasSize(1);
        BatchListPage all = acme.batches().list(BatchListParams.builder().limit(100).build());
        assertThat(all.data()).extracting(Batch::id).contains(created.id());
        assertThat(all.hasMore()).contains(false);
    }

    @Test
    void shouldCancelARunningBatch() throws Exception {
        pipeline.sim.script(SLOW_MODEL, FaultScript.none().withLatency(10_000, 0));
        try {
            OpenAIClient acme = client(PipelineUnderTest.ACME_KEY);
            Batch created = create(acme, upload(acme, prompts("slow.jsonl", SLOW_MODEL, 20)).id());
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> acme.batches().retrieve(created.id()).status().equals(Batch.Status.IN_PROGRESS));

            Batch cancelling = acme.batches().cancel(created.id());
            assertThat(cancelling.status()).isIn(Batch.Status.CANCELLING, Batch.Status.CANCELLED);

            Batch cancelled = await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                    .until(() -> acme.batches().retrieve(created.id()), b -> Batch.Status.CANCELLED.equals(b.status()));
            assertThat(cancelled.cancelledAt()).isPresent();
            assertThat(cancelled.cancellingAt()).isPresent();
            assertThat(cancelled.requestCounts().orElseThrow().total()).isEqualTo(20);
        } finally {
            pipeline.sim.clearScripts();
        }
    }

    @Test
    void shouldFailValidationListingEveryBadLineInTheBatchsErrors() throws Exception {
        OpenAIClient acme = client(PipelineUnderTest.ACME_KEY);
        // gpt-4o may not be pinned by the default route, so every line is bad and nothing runs
        Batch created = create(acme, upload(acme, prompts("unpinnable.jsonl", "gpt-4o", 3)).id());

        Batch failed = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> acme.batches().retrieve(created.id()), b -> Batch.Status.FAILED.equals(b.status()));
        assertThat(failed.errors().orElseThrow().data().orElseThrow()).hasSize(3).allSatisfy(error -> {
            assertThat(error.message()).hasValueSatisfying(m -> assertThat(m).contains("may not be pinned"));
            assertThat(error.line()).isPresent();
        });
        assertThat(failed.failedAt()).isPresent();
    }

    @Test
    void shouldHideOneTenantsBatchesAndFilesFromAnother() throws Exception {
        OpenAIClient acme = client(PipelineUnderTest.ACME_KEY);
        OpenAIClient globex = client(PipelineUnderTest.GLOBEX_KEY);
        FileObject file = upload(acme, prompts("private.jsonl", "gpt-4o-mini", 2));
        Batch batch = create(acme, file.id());

        assertThatThrownBy(() -> globex.batches().retrieve(batch.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> globex.batches().cancel(batch.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> globex.files().retrieve(file.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> globex.files().content(file.id()).body().readAllBytes()).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> create(globex, file.id())).hasMessageContaining("no file");
        assertThat(globex.batches().list(BatchListParams.builder().limit(100).build()).data())
                .extracting(Batch::id).doesNotContain(batch.id());
        assertThatThrownBy(() -> client("sk-no-such-key").batches().retrieve(batch.id())).isInstanceOf(UnauthorizedException.class);
    }
}
