package io.llmpipeline.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

class OllamaWireFormatTest extends SimulatorTest {
    static final String PATH = "/ollama/api/chat";

    static String request(String user, Boolean stream, Integer numCtx, Integer numPredict) {
        var root = SimClient.JSON.createObjectNode();
        root.put("model", "llama3.2");
        root.putArray("messages").addObject().put("role", "user").put("content", user);
        if (stream != null) {
            root.put("stream", stream);
        }
        var options = root.putObject("options");
        options.put("temperature", 0).put("seed", 7);
        if (numCtx != null) {
            options.put("num_ctx", numCtx);
        }
        if (numPredict != null) {
            options.put("num_predict", numPredict);
        }
        return root.toString();
    }

    static List<JsonNode> lines(String body) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (!line.isBlank()) {
                lines.add(SimClient.json(line));
            }
        }
        return lines;
    }

    @Test
    void shouldAnswerWithoutStreamingWhenStreamIsFalse() throws Exception {
        HttpResponse<String> response = client.post(PATH, request("hello llama", false, null, null));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = SimClient.json(response.body());
        assertThat(body.get("model").asText()).isEqualTo("llama3.2");
        assertThat(body.get("created_at").asText()).isNotBlank();
        assertThat(body.get("message").get("role").asText()).isEqualTo("assistant");
        assertThat(body.get("message").get("content").asText()).isEqualTo("Answer from llama3.2: hello llama");
        assertThat(body.get("done").asBoolean()).isTrue();
        assertThat(body.get("done_reason").asText()).isEqualTo("stop");
        assertThat(body.get("prompt_eval_count").asInt())
                .isEqualTo(OpenAiWireFormatTest.chatPromptTokens(OpenAiWireFormatTest.O200K, "hello llama"));
        assertThat(body.get("eval_count").asInt())
                .isEqualTo(OpenAiWireFormatTest.O200K.countTokensOrdinary("Answer from llama3.2: hello llama"));
        assertThat(body.get("total_duration").asLong()).isPositive();
    }

    @Test
    void shouldStreamNdjsonByDefault() throws Exception {
        HttpResponse<String> response = client.post(PATH, request("stream by default", null, null, null));

        assertThat(response.headers().firstValue("content-type")).hasValue("application/x-ndjson");
        List<JsonNode> lines = lines(response.body());
        StringBuilder text = new StringBuilder();
        for (JsonNode line : lines.subList(0, lines.size() - 1)) {
            assertThat(line.get("done").asBoolean()).isFalse();
            text.append(line.get("message").get("content").asText());
        }
        JsonNode last = lines.getLast();
        assertThat(text.toString()).isEqualTo("Answer from llama3.2: stream by default");
        assertThat(last.get("done").asBoolean()).isTrue();
        assertThat(last.get("eval_count").asInt())
                .isEqualTo(OpenAiWireFormatTest.O200K.countTokensOrdinary("Answer from llama3.2: stream by default"));
    }

    @Test
    void shouldTruncateSilentlyToNumCtxAndReportTheKeptTokens() throws Exception {
        String longPrompt = "word ".repeat(300);

        JsonNode body = SimClient.json(client.post(PATH, request(longPrompt, false, 64, null)).body());

        assertThat(body.get("done").asBoolean()).isTrue();
        assertThat(body.get("prompt_eval_count").asInt()).isEqualTo(64);
    }

    @Test
    void shouldTruncateToTheScriptedContextLimitBelowNumCtx() throws Exception {
        sim.script("llama3.2", FaultScript.builder().contextLimit(50).build());

        JsonNode body = SimClient.json(client.post(PATH, request("word ".repeat(300), false, 8192, null)).body());

        assertThat(body.get("prompt_eval_count").asInt()).isEqualTo(50);
    }

    @Test
    void shouldTruncateToTheDefaultContextWhenNumCtxIsNotSet() throws Exception {
        JsonNode body = SimClient.json(client.post(PATH, request("word ".repeat(5000), false, null, null)).body());

        assertThat(body.get("prompt_eval_count").asInt()).isEqualTo(4096);
    }

    @Test
    void shouldStopAtNumPredictWithDoneReasonLength() throws Exception {
        JsonNode body = SimClient.json(client.post(PATH, request("x", false, null, 2)).body());

        assertThat(body.get("done_reason").asText()).isEqualTo("length");
        assertThat(body.get("eval_count").asInt()).isEqualTo(2);
    }

    @Test
    void shouldAnswerErrorsAsAnErrorString() throws Exception {
        sim.script("llama3.2", FaultScript.builder().down(true).errorStatus(503).build());

        HttpResponse<String> response = client.post(PATH, request("x", false, null, null));

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(SimClient.json(response.body()).get("error").isTextual()).isTrue();
    }

    @Test
    void shouldCutAnNdjsonStreamWithoutTheDoneLine() throws Exception {
        sim.script("llama3.2", FaultScript.builder().streamCutAfterChunks(1).build());

        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(
                () -> client.post(PATH, request("one two three", true, null, null)));

        assertThat(failure).isInstanceOf(java.io.IOException.class);
    }
}
