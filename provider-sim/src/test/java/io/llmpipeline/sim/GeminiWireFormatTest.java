package io.llmpipeline.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

class GeminiWireFormatTest extends SimulatorTest {
    static final String MODEL = "gemini-2.5-flash";
    static final String GENERATE = "/gemini/v1beta/models/" + MODEL + ":generateContent";
    static final String STREAM = "/gemini/v1beta/models/" + MODEL + ":streamGenerateContent?alt=sse";

    static String request(String user, Integer maxOutputTokens) {
        var root = SimClient.JSON.createObjectNode();
        root.putObject("systemInstruction").putArray("parts").addObject().put("text", "You are a sim.");
        var contents = root.putArray("contents");
        contents.addObject().put("role", "user").putArray("parts").addObject().put("text", "first");
        contents.addObject().put("role", "model").putArray("parts").addObject().put("text", "reply");
        contents.addObject().put("role", "user").putArray("parts").addObject().put("text", user);
        var config = root.putObject("generationConfig");
        config.put("temperature", 0.2).put("topP", 0.9).put("seed", 1);
        config.putArray("stopSequences");
        if (maxOutputTokens != null) {
            config.put("maxOutputTokens", maxOutputTokens);
        }
        return root.toString();
    }

    static int prompt(String user) {
        return OpenAiWireFormatTest.chatPromptTokens(OpenAiWireFormatTest.O200K, "You are a sim.", "first", "reply", user);
    }

    @Test
    void shouldGenerateContentWithCandidatesAndUsageMetadata() throws Exception {
        HttpResponse<String> response = client.post(GENERATE, request("what is h2c?", null), "x-goog-api-key", "AIza-test");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = SimClient.json(response.body());
        JsonNode candidate = body.get("candidates").get(0);
        assertThat(candidate.get("content").get("role").asText()).isEqualTo("model");
        assertThat(candidate.get("content").get("parts").get(0).get("text").asText())
                .isEqualTo("Answer from gemini-2.5-flash: what is h2c?");
        assertThat(candidate.get("finishReason").asText()).isEqualTo("STOP");
        JsonNode usage = body.get("usageMetadata");
        int completion = OpenAiWireFormatTest.O200K.countTokensOrdinary("Answer from gemini-2.5-flash: what is h2c?");
        assertThat(usage.get("promptTokenCount").asInt()).isEqualTo(prompt("what is h2c?"));
        assertThat(usage.get("candidatesTokenCount").asInt()).isEqualTo(completion);
        assertThat(usage.get("totalTokenCount").asInt()).isEqualTo(prompt("what is h2c?") + completion);
    }

    @Test
    void shouldStopAtMaxOutputTokens() throws Exception {
        JsonNode body = SimClient.json(client.post(GENERATE, request("x", 4)).body());

        assertThat(body.get("candidates").get(0).get("finishReason").asText()).isEqualTo("MAX_TOKENS");
        assertThat(body.get("usageMetadata").get("candidatesTokenCount").asInt()).isEqualTo(4);
    }

    @Test
    void shouldStreamSseFramesEndingWithFinishReasonAndUsage() throws Exception {
        HttpResponse<String> response = client.post(STREAM, request("stream it", null));

        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        List<String> data = SimClient.sseData(response.body());
        StringBuilder text = new StringBuilder();
        for (String frame : data) {
            text.append(SimClient.json(frame).get("candidates").get(0).get("content").get("parts").get(0).get("text").asText());
        }
        JsonNode last = SimClient.json(data.getLast());
        assertThat(text.toString()).isEqualTo("Answer from gemini-2.5-flash: stream it");
        assertThat(last.get("candidates").get(0).get("finishReason").asText()).isEqualTo("STOP");
        assertThat(last.get("usageMetadata").get("promptTokenCount").asInt()).isEqualTo(prompt("stream it"));
    }

    @Test
    void shouldAcceptTheKeyAsQueryParameterWhenAKeyIsRequired() throws Exception {
        sim.script(MODEL, FaultScript.builder().requireApiKey(true).build());

        HttpResponse<String> without = client.post(GENERATE, request("x", null));
        HttpResponse<String> withQueryKey = client.post(GENERATE + "?key=AIza-test", request("x", null));

        assertThat(without.statusCode()).isEqualTo(401);
        assertThat(SimClient.json(without.body()).get("error").get("status").asText()).isEqualTo("UNAUTHENTICATED");
        assertThat(withQueryKey.statusCode()).isEqualTo(200);
    }

    @Test
    void shouldAnswerTheRpmLimitWithResourceExhaustedAndRetryInfo() throws Exception {
        sim.script(MODEL, FaultScript.builder().requestsPerMinute(1).build());

        client.post(GENERATE, request("x", null));
        HttpResponse<String> limited = client.post(GENERATE, request("x", null));

        assertThat(limited.statusCode()).isEqualTo(429);
        JsonNode error = SimClient.json(limited.body()).get("error");
        assertThat(error.get("code").asInt()).isEqualTo(429);
        assertThat(error.get("status").asText()).isEqualTo("RESOURCE_EXHAUSTED");
        assertThat(error.get("details").get(0).get("retryDelay").asText()).matches("\\d+s");
        assertThat(limited.headers().firstValue("retry-after")).isPresent();
    }

    @Test
    void shouldRefuseAPromptOverTheContextLimitAsInvalidArgument() throws Exception {
        sim.script(MODEL, FaultScript.builder().contextLimit(5).build());

        HttpResponse<String> response = client.post(GENERATE, request("x", null));

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = SimClient.json(response.body()).get("error");
        assertThat(error.get("status").asText()).isEqualTo("INVALID_ARGUMENT");
        assertThat(error.get("message").asText()).contains("(" + prompt("x") + ")").contains("(5)");
    }

    @Test
    void shouldReportCachedContentTokensWhenScripted() throws Exception {
        sim.script(MODEL, FaultScript.builder().cachedPromptTokens(6).build());

        JsonNode usage = SimClient.json(client.post(GENERATE, request("x", null)).body()).get("usageMetadata");

        assertThat(usage.get("cachedContentTokenCount").asInt()).isEqualTo(6);
    }
}
