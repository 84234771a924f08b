package io.llmpipeline.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.llmpipeline.batch.internals.BatchFile;
import io.llmpipeline.batch.internals.BatchIds;
import io.llmpipeline.batch.internals.OutputLines;
import io.llmpipeline.batch.internals.ParsedLine;
import io.llmpipeline.batch.internals.RequestMapping;
import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.CatalogLoader;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.Priority;
import io.llmpipeline.schemas.ResultStatus;
import io.llmpipeline.schemas.Role;
import io.llmpipeline.schemas.Usage;

class BatchFileTest {
    private static final Catalog CATALOG = CatalogLoader.loadResource(CatalogLoader.DEFAULT_RESOURCE, name -> null);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void shouldJudgeEveryOpenAiLineAndNameEachBadOneWithItsLineAndReason() throws Exception {
        Path file = dir.resolve("in.jsonl");
        Files.write(file, List.of(
                openAi("a", "gpt-4o-mini", "hello"),
                "",
                "{not json",
                "{\"method\": \"POST\", \"url\": \"/v1/chat/completions\", \"body\": {}}",
                openAi("a", "gpt-4o-mini", "again"),
                openAi("b", "no-such-model", "x"),
                "{\"custom_id\": \"c\", \"method\": \"POST\", \"url\": \"/v1/embeddings\", \"body\": {\"model\": \"gpt-4o-mini\"}}",
                "{\"custom_id\": \"d\", \"method\": \"POST\", \"url\": \"/v1/chat/completions\", \"body\": {\"model\": \"gpt-4o-mini\", "
                        + "\"messages\": [{\"role\": \"system\", \"content\": \"be brief\"}, {\"role\": \"user\", \"content\": "
                        + "[{\"type\": \"text\", \"text\": \"hi \"}, {\"type\": \"text\", \"text\": \"there\"}]}], "
                        + "\"max_completion_tokens\": 12, \"response_format\": {\"type\": \"json_object\"}}}"));
        List<ParsedLine> lines = scan(file, SubmitOptions.forTenant("acme"));

        assertThat(lines).hasSize(8);
        assertThat(lines.get(0)).isInstanceOf(ParsedLine.Valid.class);
        assertThat(reason(lines.get(1))).isEqualTo("blank line");
        assertThat(reason(lines.get(2))).startsWith("not JSON");
        assertThat(reason(lines.get(3))).contains("custom_id");
        assertThat(reason(lines.get(4))).isEqualTo("duplicate custom_id (first on line 1)");
        assertThat(lines.get(4).customId()).isEqualTo("a");
        assertThat(reason(lines.get(5))).contains("'no-such-model' is not a model in the catalog");
        assertThat(reason(lines.get(6))).contains("/v1/chat/completions");
        ParsedLine.Valid d = (ParsedLine.Valid) lines.get(7);
        assertThat(d.messages()).extracting(m -> m.getRole()).containsExactly(Role.SYSTEM, Role.USER);
        assertThat(d.messages().get(1).getContent()).isEqualTo("hi there");
        assertThat(d.params().getMaxTokens()).isEqualTo(12);
        assertThat(JSON.readTree(d.passthrough()).path("response_format").path("type").asText()).isEqualTo("json_object");
    }

    @Test
    void shouldReadAnthropicLinesAndMapThemToBulkRequestsCarryingTheBatch() throws Exception {
        Path file = dir.resolve("in.jsonl");
        Files.write(file, List.of(
                "{\"custom_id\": \"q1\", \"params\": {\"model\": \"claude-3-5-haiku\", \"max_tokens\": 64, \"system\": \"terse\", "
                        + "\"messages\": [{\"role\": \"user\", \"content\": \"Hello\"}]}}",
                "{\"custom_id\": \"q2\", \"params\": {\"model\": \"claude-3-5-haiku\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}}",
                "{\"custom_id\": \"q3\", \"params\": {\"model\": \"claude-3-5-haiku\", \"max_tokens\": 5, \"top_k\": 3, "
                        + "\"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}}"));
        SubmitOptions options = SubmitOptions.forTenant("acme").withTaskType("draft");
        BatchFile batchFile = BatchFile.open(file, CATALOG, options);
        assertThat(batchFile.format()).isEqualTo(InputFormat.ANTHROPIC);
        List<ParsedLine> lines = scan(file, options);

        assertThat(reason(lines.get(1))).isEqualTo("params.max_tokens is required");
        assertThat(reason(lines.get(2))).contains("params.top_k is not supported");
        LlmRequest request = RequestMapping.request("batch_1", (ParsedLine.Valid) lines.get(0), options, 5_000, 1_000);
        assertThat(request.getRequestId()).isEqualTo("batch_1/q1");
        assertThat(request.getIdempotencyKey()).isEqualTo("batch_1/q1");
        assertThat(request.getPriority()).isEqualTo(Priority.BULK);
        assertThat(request.getModel()).isNull(); // the route of --task-type decides
        assertThat(request.getTaskType()).isEqualTo("draft");
        assertThat(request.getDeadlineEpochMs()).isEqualTo(5_000);
        assertThat(request.getMetadata()).containsEntry(BatchIds.BATCH_ID, "batch_1").containsEntry(BatchIds.CUSTOM_ID, "q1");
        assertThat(request.getMessages().get(0).getRole()).isEqualTo(Role.SYSTEM);
    }

    @Test
    void shouldRefuseAPinTheDefaultRouteDoesNotAllowAndSaySo() throws Exception {
        Path file = dir.resolve("in.jsonl");
        Files.write(file, List.of(openAi("g", "gemini-1.5-flash", "hola")));
        assertThat(reason(scan(file, SubmitOptions.forTenant("acme")).get(0)))
                .contains("may not be pinned").contains("--task-type");
    }

    @Test
    void shouldWriteAGeminiAnswerAsAnOpenAiChatCompletionAndAsAnAnthropicMessage() throws Exception {
        LlmResult result = LlmResult.newBuilder().setRequestId("batch_1/q1").setTenantId("acme").setTaskType("translate")
                .setStatus(ResultStatus.OK).setOutput("Bonjour").setFinishReason("length").setProvider("sim-gemini")
                .setModel("gemini-1.5-flash").setUsage(new Usage(7, 3, 0, 0)).setCompletedAtMs(1_700_000_000_000L)
                .setMetadata(Map.of()).build();

        JsonNode openAi = JSON.readTree(new OutputLines(InputFormat.OPENAI).result("q1", result).json());
        assertThat(openAi.path("custom_id").asText()).isEqualTo("q1");
        assertThat(openAi.path("error").isNull()).isTrue();
        assertThat(openAi.at("/response/status_code").asInt()).isEqualTo(200);
        assertThat(openAi.at("/response/body/object").asText()).isEqualTo("chat.completion");
        assertThat(openAi.at("/response/body/choices/0/message/content").asText()).isEqualTo("Bonjour");
        assertThat(openAi.at("/response/body/choices/0/finish_reason").asText()).isEqualTo("length");
        assertThat(openAi.at("/response/body/usage/total_tokens").asInt()).isEqualTo(10);

        JsonNode anthropic = JSON.readTree(new OutputLines(InputFormat.ANTHROPIC).result("q1", result).json());
        assertThat(anthropic.at("/result/type").asText()).isEqualTo("succeeded");
        assertThat(anthropic.at("/result/message/content/0/text").asText()).isEqualTo("Bonjour");
        assertThat(anthropic.at("/result/message/stop_reason").asText()).isEqualTo("max_tokens");
        assertThat(anthropic.at("/result/message/usage/output_tokens").asInt()).isEqualTo(3);
    }

    static String openAi(String customId, String model, String prompt) {
        return "{\"custom_id\": \"" + customId + "\", \"method\": \"POST\", \"url\": \"/v1/chat/completions\", \"body\": "
                + "{\"model\": \"" + model + "\", \"messages\": [{\"role\": \"user\", \"content\": \"" + prompt + "\"}], \"max_tokens\": 16}}";
    }

    private static List<ParsedLine> scan(Path file, SubmitOptions options) {
        List<ParsedLine> lines = new ArrayList<>();
        BatchFile.open(file, CATALOG, options).scan(lines::add);
        return lines;
    }

    private static String reason(ParsedLine line) {
        assertThat(line).isInstanceOf(ParsedLine.Invalid.class);
        return ((ParsedLine.Invalid) line).reason();
    }
}
