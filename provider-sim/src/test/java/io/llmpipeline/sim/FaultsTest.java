package io.llmpipeline.sim;

import io.llmpipeline.testsupport.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

class FaultsTest {
    static final String PATH = "/v1/chat/completions";
    static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    static ProviderSimulator sim;
    static SimClient client;

    @BeforeAll
    static void start() {
        sim = ProviderSimulator.start(SimulatorOptions.defaults().withClock(CLOCK));
        client = new SimClient(sim);
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @BeforeEach
    void reset() {
        sim.clearScripts();
        sim.resetStats();
    }

    static HttpResponse<String> call(String model) throws IOException, InterruptedException {
        return client.post(PATH, SimClient.openAi(model, null, "ping", null, false));
    }

    @Test
    void shouldFailTheFirstTwoCallsWith503AndRetryAfterThenAnswer() throws Exception {
        sim.script("m1", FaultScript.builder().failFirstN(2).errorStatus(503).retryAfterSeconds(7).build());

        HttpResponse<String> first = call("m1");
        HttpResponse<String> second = call("m1");
        HttpResponse<String> third = call("m1");

        assertThat(first.statusCode()).isEqualTo(503);
        assertThat(first.headers().firstValue("retry-after")).hasValue("7");
        JsonNode error = SimClient.json(first.body()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("server_error");
        assertThat(error.has("message") && error.has("param") && error.has("code")).isTrue();
        assertThat(second.statusCode()).isEqualTo(503);
        assertThat(third.statusCode()).isEqualTo(200);
        assertThat(third.headers().firstValue("retry-after")).isEmpty();
        SimStats stats = sim.stats();
        assertThat(stats.calls("m1")).isEqualTo(3);
        assertThat(stats.callsWithStatus("m1", 503)).isEqualTo(2);
        assertThat(stats.callsWithStatus("m1", 200)).isEqualTo(1);
    }

    @Test
    void shouldCountTheTokensOfAnsweredCallsOnlyAsBilled() throws Exception {
        sim.script("m1", FaultScript.builder().failFirstN(1).errorStatus(503).build());

        call("m1");
        HttpResponse<String> answered = call("m1");

        JsonNode usage = SimClient.json(answered.body()).get("usage");
        SimStats stats = sim.stats();
        assertThat(stats.billedCalls()).isEqualTo(1);
        assertThat(stats.model("m1").billedPromptTokens()).isEqualTo(usage.get("prompt_tokens").asLong()).isPositive();
        assertThat(stats.model("m1").billedCompletionTokens()).isEqualTo(usage.get("completion_tokens").asLong()).isPositive();
    }

    @Test
    void shouldRestartFailFirstNWhenTheScriptIsSetAgain() throws Exception {
        FaultScript failOnce = FaultScript.builder().failFirstN(1).errorStatus(500).build();
        sim.script("m1", failOnce);
        assertThat(call("m1").statusCode()).isEqualTo(500);
        assertThat(call("m1").statusCode()).isEqualTo(200);

        sim.script("m1", failOnce);

        assertThat(call("m1").statusCode()).isEqualTo(500);
    }

    @Test
    void shouldApplyTheDefaultScriptToModelsWithoutTheirOwn() throws Exception {
        sim.script("*", FaultScript.builder().down(true).errorStatus(529).build());
        sim.script("healthy", FaultScript.none());

        assertThat(call("any-model").statusCode()).isEqualTo(529);
        assertThat(call("healthy").statusCode()).isEqualTo(200);
    }

    @Test
    void shouldFailEveryCallAt100PercentErrorRate() throws Exception {
        sim.script("m1", FaultScript.builder().errorRate(1.0).errorStatus(429).retryAfterSeconds(2).build());

        for (int i = 0; i < 5; i++) {
            HttpResponse<String> response = call("m1");
            assertThat(response.statusCode()).isEqualTo(429);
            assertThat(response.headers().firstValue("retry-after")).hasValue("2");
            assertThat(SimClient.json(response.body()).get("error").get("code").asText()).isEqualTo("rate_limit_exceeded");
        }
    }

    @Test
    void shouldRepeatTheSameFaultSequenceForTheSameSeed() throws Exception {
        FaultScript halfFail = FaultScript.builder().errorRate(0.5).errorStatus(500).seed(42).build();
        sim.script("m1", halfFail);
        List<Integer> firstRun = statuses("m1", 40);
        sim.script("m1", halfFail);
        List<Integer> secondRun = statuses("m1", 40);

        assertThat(secondRun).isEqualTo(firstRun);
        assertThat(firstRun).contains(200, 500);
        assertThat(firstRun.stream().filter(s -> s == 500).count()).isBetween(10L, 30L);
    }

    private static List<Integer> statuses(String model, int n) throws Exception {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            statuses.add(call(model).statusCode());
        }
        return statuses;
    }

    @Test
    void shouldAnswer200WithTruncatedJsonWhenMalformed() throws Exception {
        sim.script("m1", FaultScript.builder().malformedRate(1.0).build());

        HttpResponse<String> response = call("m1");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith("{\"id\":\"chatcmpl-");
        assertThatThrownBy(() -> SimClient.json(response.body())).isInstanceOf(JsonProcessingException.class);
    }

    @Test
    void shouldSendAMalformedChunkInAMalformedStream() throws Exception {
        sim.script("m1", FaultScript.builder().malformedRate(1.0).build());

        HttpResponse<String> response = client.post(PATH, SimClient.openAi("m1", null, "ping", null, true));

        List<String> data = SimClient.sseData(response.body());
        assertThat(data.getLast()).isEqualTo("[DONE]");
        assertThatThrownBy(() -> SimClient.json(data.get(1))).isInstanceOf(JsonProcessingException.class);
    }

    @Test
    void shouldCutTheStreamAbruptlyAfterTwoChunks() throws Exception {
        sim.script("m1", FaultScript.builder().streamCutAfterChunks(2).build());

        Throwable failure = catchThrowable(() -> client.post(PATH, SimClient.openAi("m1", null, "a b c d e f", null, true)));

        assertThat(failure).as("the client sees the stream end before its last chunk").isInstanceOf(IOException.class);
        assertThat(sim.stats().callsWithStatus("m1", 200)).isEqualTo(1);
    }

    @Test
    void shouldCloseTheConnectionWhenDownWithStatusZero() {
        sim.script("m1", FaultScript.builder().down(true).errorStatus(0).build());

        assertThatThrownBy(() -> call("m1")).isInstanceOf(IOException.class);
    }

    @Test
    void shouldHangUntilTheClientGivesUp() {
        sim.script("m1", FaultScript.builder().hangRate(1.0).build());

        assertThatThrownBy(() -> client.post(PATH, SimClient.openAi("m1", null, "ping", null, false), Duration.ofMillis(300)))
                .isInstanceOf(HttpTimeoutException.class);
        assertThat(sim.stats().calls("m1")).isEqualTo(1);
    }

    @Test
    void shouldDelayTheAnswerByTheScriptedLatency() throws Exception {
        sim.script("slow", FaultScript.builder().latencyMs(400).build());

        long start = System.nanoTime();
        HttpResponse<String> response = call("slow");
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(elapsedMs).isGreaterThanOrEqualTo(400);
    }

    @Test
    void shouldSpreadStreamLatencyAcrossChunks() throws Exception {
        sim.script("slow", FaultScript.builder().latencyMs(300).build());

        long start = System.nanoTime();
        HttpResponse<String> response = client.post(PATH, SimClient.openAi("slow", null, "one two three", null, true));
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(SimClient.sseData(response.body()).getLast()).isEqualTo("[DONE]");
        assertThat(elapsedMs).isGreaterThanOrEqualTo(250);
    }

    @Test
    void shouldCountConcurrentCallsInFlight() throws Exception {
        sim.script("slow", FaultScript.builder().latencyMs(500).build());

        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            calls.add(client.postAsync(PATH, SimClient.openAi("slow", null, "ping " + i, null, false)));
        }
        for (CompletableFuture<HttpResponse<String>> c : calls) {
            assertThat(c.get().statusCode()).isEqualTo(200);
        }

        SimStats stats = sim.stats();
        assertThat(stats.inFlightMax("slow")).isEqualTo(20);
        assertThat(stats.inFlightMax()).isGreaterThanOrEqualTo(20);
        assertThat(stats.model("slow").inFlightNow()).isZero();
        assertThat(stats.totalCalls()).isEqualTo(20);
        assertThat(stats.callsWithStatus("slow", 200)).isEqualTo(20);
    }

    @Test
    void shouldEnforceRequestsPerMinuteWithRetryAfterUntilASlotFrees() throws Exception {
        sim.script("limited", FaultScript.builder().requestsPerMinute(3).build());

        List<Integer> firstBurst = statuses("limited", 3);
        CLOCK.advance(Duration.ofSeconds(20));
        HttpResponse<String> fourth = call("limited");
        CLOCK.advance(Duration.ofSeconds(30));
        HttpResponse<String> fifth = call("limited");
        CLOCK.advance(Duration.ofSeconds(11));
        HttpResponse<String> afterWindow = call("limited");

        assertThat(firstBurst).containsOnly(200);
        assertThat(fourth.statusCode()).isEqualTo(429);
        assertThat(fourth.headers().firstValue("retry-after")).hasValue("40");
        assertThat(SimClient.json(fourth.body()).get("error").get("message").asText()).contains("Limit 3");
        assertThat(fifth.statusCode()).isEqualTo(429);
        assertThat(fifth.headers().firstValue("retry-after")).hasValue("10");
        assertThat(afterWindow.statusCode()).isEqualTo(200);
        assertThat(sim.stats().maxRequestsPerMinute("limited")).isEqualTo(5);
    }

    @Test
    void shouldRequireAnApiKeyOnlyWhenScripted() throws Exception {
        sim.script("secure", FaultScript.builder().requireApiKey(true).build());

        HttpResponse<String> without = call("secure");
        HttpResponse<String> with = client.post(PATH, SimClient.openAi("secure", null, "ping", null, false),
                "Authorization", "Bearer sk-anything");
        HttpResponse<String> other = call("open");

        assertThat(without.statusCode()).isEqualTo(401);
        assertThat(SimClient.json(without.body()).get("error").get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(with.statusCode()).isEqualTo(200);
        assertThat(other.statusCode()).isEqualTo(200);
    }

    @Test
    void shouldRefuseAPromptOverTheContextLimit() throws Exception {
        sim.script("small", FaultScript.builder().contextLimit(10).build());

        HttpResponse<String> response = client.post(PATH,
                SimClient.openAi("small", null, "this prompt has clearly more than ten tokens in it, surely", null, false));

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = SimClient.json(response.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo("context_length_exceeded");
        assertThat(error.get("message").asText()).contains("maximum context length is 10 tokens");
    }

    @Test
    void shouldAcceptScriptsAndReportStatsOverTheAdminApi() throws Exception {
        HttpResponse<String> put = client.send("PUT", "/_sim/faults/admin-model", "{\"failFirstN\":1,\"errorStatus\":502}");
        HttpResponse<String> failed = call("admin-model");
        HttpResponse<String> ok = call("admin-model");
        JsonNode stats = SimClient.json(client.send("GET", "/_sim/stats", null).body());
        HttpResponse<String> cleared = client.send("DELETE", "/_sim/faults", null);

        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(failed.statusCode()).isEqualTo(502);
        assertThat(ok.statusCode()).isEqualTo(200);
        JsonNode model = stats.get("models").get("admin-model");
        assertThat(model.get("calls").asLong()).isEqualTo(2);
        assertThat(model.get("callsByStatus").get("502").asLong()).isEqualTo(1);
        assertThat(stats.get("totalCalls").asLong()).isEqualTo(2);
        assertThat(cleared.statusCode()).isEqualTo(204);
        assertThat(sim.stats().calls("admin-model")).isEqualTo(2);
    }

    @Test
    void shouldRejectAnInvalidScriptOverTheAdminApiSayingWhy() throws Exception {
        HttpResponse<String> typo = client.send("PUT", "/_sim/faults/m", "{\"errorRat\":0.5}");
        HttpResponse<String> outOfRange = client.send("PUT", "/_sim/faults/m", "{\"errorRate\":1.5}");

        assertThat(typo.statusCode()).isEqualTo(400);
        assertThat(typo.body()).contains("errorRat");
        assertThat(outOfRange.statusCode()).isEqualTo(400);
        assertThat(outOfRange.body()).contains("errorRate must be in [0, 1]");
    }

    @Test
    void shouldValidateScriptsWhenBuilt() {
        assertThatThrownBy(() -> FaultScript.builder().errorStatus(42).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("errorStatus");
        assertThatThrownBy(() -> FaultScript.builder().tokenizer("p50k").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tokenizer");
        assertThat(FaultScript.none().withFailFirstN(3, 503)).isEqualTo(
                FaultScript.builder().failFirstN(3).errorStatus(503).build());
        assertThat(Map.of("a", FaultScript.none())).containsValue(FaultScript.builder().build());
    }
}
