package io.llmpipeline.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;

class OpenAiWireFormatTest extends SimulatorTest {
    static final Encoding O200K = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    static final Encoding CL100K = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
    static final String PATH = "/v1/chat/completions";

    static int chatPromptTokens(Encoding encoding, String... contents) {
        int tokens = 3;
        for (String content : contents) {
            tokens += 3 + encoding.countTokensOrdinary(content);
        }
        return tokens;
    }

    @Test
    void shouldAnswerWithModelAndLastUserMessageAndExactUsage() throws Exception {
        HttpResponse<String> response = client.post(PATH,
                SimClient.openAi("gpt-4o-mini", "You are terse.", "What is Kafka?", null, false),
                "Authorization", "Bearer sk-test");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode body = SimClient.json(response.body());
        String expected = "Answer from gpt-4o-mini: What is Kafka?";
        assertThat(body.get("object").asText()).isEqualTo("chat.completion");
        assertThat(body.get("id").asText()).startsWith("chatcmpl-");
        assertThat(body.get("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(body.get("created").asLong()).isPositive();
        JsonNode choice = body.get("choices").get(0);
        assertThat(choice.get("message").get("role").asText()).isEqualTo("assistant");
        assertThat(choice.get("message").get("content").asText()).isEqualTo(expected);
        assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
        JsonNode usage = body.get("usage");
        int prompt = chatPromptTokens(O200K, "You are terse.", "What is Kafka?");
        int completion = O200K.countTokensOrdinary(expected);
        assertThat(usage.get("prompt_tokens").asInt()).isEqualTo(prompt);
        assertThat(usage.get("completion_tokens").asInt()).isEqualTo(completion);
        assertThat(usage.get("total_tokens").asInt()).isEqualTo(prompt + completion);
        assertThat(usage.get("prompt_tokens_details").get("cached_tokens").asInt()).isZero();
    }

    @Test
    void shouldCountWithCl100kWhenTheScriptSaysSo() throws Exception {
        sim.script("gpt-3.5-turbo", FaultScript.builder().tokenizer("cl100k_base").build());

        JsonNode usage = SimClient.json(client.post(PATH,
                SimClient.openAi("gpt-3.5-turbo", null, "Straße über naïve café", null, false)).body()).get("usage");

        assertThat(usage.get("prompt_tokens").asInt()).isEqualTo(chatPromptTokens(CL100K, "Straße über naïve café"));
        assertThat(usage.get("completion_tokens").asInt())
                .isEqualTo(CL100K.countTokensOrdinary("Answer from gpt-3.5-turbo: Straße über naïve café"));
    }

    @Test
    void shouldCutTheAnswerToMaxTokensWithFinishReasonLength() throws Exception {
        JsonNode body = SimClient.json(client.post(PATH,
                SimClient.openAi("gpt-4o", null, "tell me a long story", 3, false)).body());

        JsonNode choice = body.get("choices").get(0);
        assertThat(choice.get("finish_reason").asText()).isEqualTo("length");
        assertThat(body.get("usage").get("completion_tokens").asInt()).isEqualTo(3);
        assertThat(O200K.countTokensOrdinary(choice.get("message").get("content").asText())).isEqualTo(3);
        assertThat("Answer from gpt-4o: tell me a long story").startsWith(choice.get("message").get("content").asText());
    }

    @Test
    void shouldPadTheAnswerToTheScriptedOutputTokens() throws Exception {
        sim.script("gpt-4o", FaultScript.builder().outputTokens(500).cachedPromptTokens(4).build());

        JsonNode body = SimClient.json(client.post(PATH, SimClient.openAi("gpt-4o", null, "hi", null, false)).body());

        String content = body.get("choices").get(0).get("message").get("content").asText();
        assertThat(content).startsWith("Answer from gpt-4o: hi sim sim");
        assertThat(body.get("usage").get("completion_tokens").asInt()).isEqualTo(500);
        assertThat(O200K.countTokensOrdinary(content)).isEqualTo(500);
        assertThat(body.get("usage").get("prompt_tokens_details").get("cached_tokens").asInt()).isEqualTo(4);
    }

    @Test
    void shouldStreamTheSameTextThenUsageThenDone() throws Exception {
        HttpResponse<String> response = client.post(PATH, SimClient.openAi("gpt-4o-mini", "sys", "Stream this please", null, true));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        List<String> data = SimClient.sseData(response.body());
        assertThat(data.getLast()).isEqualTo("[DONE]");
        StringBuilder text = new StringBuilder();
        String finishReason = null;
        for (String event : data.subList(0, data.size() - 2)) {
            JsonNode chunk = SimClient.json(event);
            assertThat(chunk.get("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(chunk.get("usage").isNull()).isTrue();
            JsonNode choice = chunk.get("choices").get(0);
            if (choice.get("delta").has("content")) {
                text.append(choice.get("delta").get("content").asText());
            }
            if (!choice.get("finish_reason").isNull()) {
                finishReason = choice.get("finish_reason").asText();
            }
        }
        assertThat(text.toString()).isEqualTo("Answer from gpt-4o-mini: Stream this please");
        assertThat(finishReason).isEqualTo("stop");
        JsonNode usageChunk = SimClient.json(data.get(data.size() - 2));
        assertThat(usageChunk.get("choices")).isEmpty();
        assertThat(usageChunk.get("usage").get("prompt_tokens").asInt()).isEqualTo(chatPromptTokens(O200K, "sys", "Stream this please"));
        assertThat(usageChunk.get("usage").get("completion_tokens").asInt())
                .isEqualTo(O200K.countTokensOrdinary("Answer from gpt-4o-mini: Stream this please"));
    }

    @Test
    void shouldOmitTheUsageChunkWhenNotAskedFor() throws Exception {
        String request = "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";

        List<String> data = SimClient.sseData(client.post(PATH, request).body());

        assertThat(data.getLast()).isEqualTo("[DONE]");
        for (String event : data.subList(0, data.size() - 1)) {
            JsonNode chunk = SimClient.json(event);
            assertThat(chunk.has("usage")).isFalse();
            assertThat(chunk.get("choices")).hasSize(1);
        }
    }

    @Test
    void shouldReadTextPartsAndMaxCompletionTokens() throws Exception {
        String request = """
                {"model":"gpt-4o","max_completion_tokens":100,"messages":[
                  {"role":"user","content":[{"type":"text","text":"first "},{"type":"text","text":"second"}]}]}""";

        JsonNode body = SimClient.json(client.post(PATH, request).body());

        assertThat(body.get("choices").get(0).get("message").get("content").asText())
                .isEqualTo("Answer from gpt-4o: first second");
    }

    @Test
    void shouldRejectARequestWithoutMessagesInOpenAiErrorFormat() throws Exception {
        HttpResponse<String> response = client.post(PATH, "{\"model\":\"gpt-4o\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = SimClient.json(response.body()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("param").asText()).isEqualTo("messages");
        assertThat(error.get("message").asText()).contains("messages");
        assertThat(error.has("code")).isTrue();
    }

    @Test
    void shouldRejectInvalidJsonWith400() throws Exception {
        HttpResponse<String> response = client.post(PATH, "{\"model\": ");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(SimClient.json(response.body()).get("error").get("message").asText()).contains("parse the JSON");
    }

    @Test
    void shouldServeHttp2CleartextOnTheSamePort() throws Exception {
        SimClient h2 = new SimClient(sim, HttpClient.Version.HTTP_2);
        // the JDK client upgrades to h2c only on a request without a body
        assertThat(h2.send("GET", "/_sim/health", null).version()).isEqualTo(HttpClient.Version.HTTP_2);

        HttpResponse<String> first = h2.post(PATH, SimClient.openAi("gpt-4o", null, "over h2c", null, false));
        HttpResponse<String> second = h2.post(PATH, SimClient.openAi("gpt-4o", null, "again", null, true));

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(SimClient.json(first.body()).get("choices").get(0).get("message").get("content").asText())
                .isEqualTo("Answer from gpt-4o: over h2c");
        assertThat(SimClient.sseData(second.body()).getLast()).isEqualTo("[DONE]");
    }
}
