package io.llmpipeline.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

class AnthropicWireFormatTest extends SimulatorTest {
    static final String PATH = "/anthropic/v1/messages";
    static final String[] HEADERS = {"x-api-key", "sk-ant-test", "anthropic-version", "2023-06-01"};

    static String request(String model, int maxTokens, boolean stream, String user) {
        var root = SimClient.JSON.createObjectNode();
        root.put("model", model);
        root.put("max_tokens", maxTokens);
        root.put("system", "Be brief.");
        var messages = root.putArray("messages");
        messages.addObject().put("role", "user").put("content", "earlier question");
        messages.addObject().put("role", "assistant").put("content", "earlier answer");
        messages.addObject().put("role", "user").putArray("content").addObject().put("type", "text").put("text", user);
        if (stream) {
            root.put("stream", true);
        }
        return root.toString();
    }

    static int prompt(String user) {
        return OpenAiWireFormatTest.chatPromptTokens(OpenAiWireFormatTest.O200K, "Be brief.", "earlier question", "earlier answer", user);
    }

    @Test
    void shouldAnswerAMessageWithTextAndUsage() throws Exception {
        HttpResponse<String> response = client.post(PATH, request("claude-sonnet-4", 1024, false, "Why Kafka?"), HEADERS);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = SimClient.json(response.body());
        assertThat(body.get("id").asText()).startsWith("msg_");
        assertThat(body.get("type").asText()).isEqualTo("message");
        assertThat(body.get("role").asText()).isEqualTo("assistant");
        assertThat(body.get("model").asText()).isEqualTo("claude-sonnet-4");
        assertThat(body.get("content").get(0).get("type").asText()).isEqualTo("text");
        assertThat(body.get("content").get(0).get("text").asText()).isEqualTo("Answer from claude-sonnet-4: Why Kafka?");
        assertThat(body.get("stop_reason").asText()).isEqualTo("end_turn");
        JsonNode usage = body.get("usage");
        assertThat(usage.get("input_tokens").asInt()).isEqualTo(prompt("Why Kafka?"));
        assertThat(usage.get("output_tokens").asInt())
                .isEqualTo(OpenAiWireFormatTest.O200K.countTokensOrdinary("Answer from claude-sonnet-4: Why Kafka?"));
        assertThat(usage.get("cache_read_input_tokens").asInt()).isZero();
        assertThat(usage.get("cache_creation_input_tokens").asInt()).isZero();
    }

    @Test
    void shouldStopAtMaxTokens() throws Exception {
        JsonNode body = SimClient.json(client.post(PATH, request("claude", 2, false, "long"), HEADERS).body());

        assertThat(body.get("stop_reason").asText()).isEqualTo("max_tokens");
        assertThat(body.get("usage").get("output_tokens").asInt()).isEqualTo(2);
    }

    @Test
    void shouldStreamTheEventSequenceWithTheSameTextAndUsage() throws Exception {
        HttpResponse<String> response = client.post(PATH, request("claude", 1024, true, "stream me"), HEADERS);

        List<String> events = new ArrayList<>();
        for (String line : response.body().split("\n")) {
            if (line.startsWith("event: ")) {
                events.add(line.substring(7));
            }
        }
        assertThat(events).startsWith("message_start", "content_block_start", "ping")
                .endsWith("content_block_stop", "message_delta", "message_stop");
        StringBuilder text = new StringBuilder();
        JsonNode start = null;
        JsonNode messageDelta = null;
        for (String data : SimClient.sseData(response.body())) {
            JsonNode event = SimClient.json(data);
            switch (event.get("type").asText()) {
                case "message_start" -> start = event;
                case "content_block_delta" -> text.append(event.get("delta").get("text").asText());
                case "message_delta" -> messageDelta = event;
                default -> { }
            }
        }
        assertThat(text.toString()).isEqualTo("Answer from claude: stream me");
        assertThat(start.get("message").get("usage").get("input_tokens").asInt()).isEqualTo(prompt("stream me"));
        assertThat(messageDelta.get("delta").get("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(messageDelta.get("usage").get("output_tokens").asInt())
                .isEqualTo(OpenAiWireFormatTest.O200K.countTokensOrdinary("Answer from claude: stream me"));
    }

    @Test
    void shouldAnswerOverloadedAs529InAnthropicErrorFormat() throws Exception {
        sim.script("claude", FaultScript.builder().failFirstN(1).errorStatus(529).retryAfterSeconds(3).build());

        HttpResponse<String> response = client.post(PATH, request("claude", 10, false, "x"), HEADERS);

        assertThat(response.statusCode()).isEqualTo(529);
        assertThat(response.headers().firstValue("retry-after")).hasValue("3");
        JsonNode body = SimClient.json(response.body());
        assertThat(body.get("type").asText()).isEqualTo("error");
        assertThat(body.get("error").get("type").asText()).isEqualTo("overloaded_error");
        assertThat(body.get("error").get("message").asText()).isNotBlank();
    }

    @Test
    void shouldAnswerTheRpmLimitWithRateLimitError() throws Exception {
        sim.script("claude", FaultScript.builder().requestsPerMinute(1).build());

        client.post(PATH, request("claude", 10, false, "x"), HEADERS);
        HttpResponse<String> limited = client.post(PATH, request("claude", 10, false, "x"), HEADERS);

        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("retry-after")).isPresent();
        assertThat(SimClient.json(limited.body()).get("error").get("type").asText()).isEqualTo("rate_limit_error");
    }

    @Test
    void shouldRefuseWithAuthenticationErrorWhenAKeyIsRequiredAndMissing() throws Exception {
        sim.script("claude", FaultScript.builder().requireApiKey(true).build());

        HttpResponse<String> response = client.post(PATH, request("claude", 10, false, "x"), "anthropic-version", "2023-06-01");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(SimClient.json(response.body()).get("error").get("type").asText()).isEqualTo("authentication_error");
    }

    @Test
    void shouldRefuseAPromptOverTheContextLimitAsInvalidRequest() throws Exception {
        sim.script("claude", FaultScript.builder().contextLimit(20).build());

        HttpResponse<String> response = client.post(PATH, request("claude", 10, false, "x"), HEADERS);

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = SimClient.json(response.body()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("message").asText()).startsWith("prompt is too long: " + prompt("x") + " tokens > 20 maximum");
    }

    @Test
    void shouldRequireMaxTokensAndTheVersionHeaderLikeTheRealApi() throws Exception {
        HttpResponse<String> noMaxTokens = client.post(PATH,
                "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", HEADERS);
        HttpResponse<String> noVersion = client.post(PATH, request("claude", 10, false, "x"), "x-api-key", "k");

        assertThat(noMaxTokens.statusCode()).isEqualTo(400);
        assertThat(SimClient.json(noMaxTokens.body()).get("error").get("message").asText()).contains("max_tokens");
        assertThat(noVersion.statusCode()).isEqualTo(400);
        assertThat(SimClient.json(noVersion.body()).get("error").get("message").asText()).contains("anthropic-version");
    }
}
