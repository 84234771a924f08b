package io.llmpipeline.sim;

import io.llmpipeline.testsupport.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The simulator's own limits, as a provider enforces and announces them, on a clock the test moves. */
class RateLimitHeadersTest {
    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    static final String OPENAI = "/v1/chat/completions";

    static MutableClock clock;
    static ProviderSimulator sim;
    static SimClient client;

    @BeforeAll
    static void start() {
        clock = new MutableClock(START);
        sim = ProviderSimulator.start(SimulatorOptions.defaults().withClock(clock));
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

    static HttpResponse<String> openAi(String model, int maxTokens) throws Exception {
        return client.post(OPENAI, SimClient.openAi(model, null, "ping", maxTokens, false));
    }

    @Test
    void shouldAnnounceWhatIsLeftOfBothOpenAiLimitsOnEveryAnswer() throws Exception {
        sim.script("gpt-limited", FaultScript.builder().requestsPerMinute(3).tokensPerMinute(10_000).build());

        HttpResponse<String> first = openAi("gpt-limited", 50);
        clock.advance(Duration.ofMillis(1_500));
        HttpResponse<String> second = openAi("gpt-limited", 50);

        int promptTokens = SimClient.json(first.body()).get("usage").get("prompt_tokens").asInt();
        assertThat(first.headers().firstValue("x-ratelimit-limit-requests")).hasValue("3");
        assertThat(first.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("2");
        assertThat(first.headers().firstValue("x-ratelimit-reset-requests")).hasValue("1m0s");
        assertThat(first.headers().firstValue("x-ratelimit-limit-tokens")).hasValue("10000");
        assertThat(first.headers().firstValue("x-ratelimit-remaining-tokens")).hasValue(Integer.toString(10_000 - promptTokens - 50));
        assertThat(second.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("1");
        assertThat(second.headers().firstValue("x-ratelimit-remaining-tokens"))
                .hasValue(Integer.toString(10_000 - 2 * (promptTokens + 50)));
    }

    @Test
    void shouldRefuseACallOverTheTokensPerMinuteUntilEnoughTokensLeaveTheWindow() throws Exception {
        sim.script("gpt-tpm", FaultScript.builder().tokensPerMinute(100).build());

        HttpResponse<String> fits = openAi("gpt-tpm", 60);
        clock.advance(Duration.ofSeconds(15));
        HttpResponse<String> overTheLimit = openAi("gpt-tpm", 60);
        clock.advance(Duration.ofSeconds(45));
        HttpResponse<String> afterTheFirstLeft = openAi("gpt-tpm", 60);

        assertThat(fits.statusCode()).isEqualTo(200);
        assertThat(overTheLimit.statusCode()).isEqualTo(429);
        assertThat(overTheLimit.headers().firstValue("retry-after")).hasValue("45");
        assertThat(overTheLimit.headers().firstValue("x-ratelimit-reset-tokens")).hasValue("45s");
        assertThat(SimClient.json(overTheLimit.body()).get("error").get("message").asText()).contains("tokens per min (TPM)");
        assertThat(afterTheFirstLeft.statusCode()).isEqualTo(200);
        assertThat(sim.stats().billedCalls()).isEqualTo(2);
    }

    @Test
    void shouldSendAnthropicsHeadersWithTheResetAsAnRfc3339Time() throws Exception {
        sim.script("claude-limited", FaultScript.builder().requestsPerMinute(10).tokensPerMinute(5_000).build());

        HttpResponse<String> response = client.post(AnthropicWireFormatTest.PATH,
                AnthropicWireFormatTest.request("claude-limited", 100, false, "hello"), AnthropicWireFormatTest.HEADERS);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("anthropic-ratelimit-requests-limit")).hasValue("10");
        assertThat(response.headers().firstValue("anthropic-ratelimit-requests-remaining")).hasValue("9");
        assertThat(response.headers().firstValue("anthropic-ratelimit-requests-reset")).hasValue(START.plusSeconds(60).toString());
        assertThat(response.headers().firstValue("anthropic-ratelimit-tokens-limit")).hasValue("5000");
        assertThat(response.headers().firstValue("x-ratelimit-limit-requests")).isEmpty();
    }

    @Test
    void shouldSendNoRateLimitHeadersWithoutALimit() throws Exception {
        HttpResponse<String> response = openAi("unlimited", 10);

        assertThat(response.headers().map().keySet()).noneMatch(name -> name.contains("ratelimit"));
    }
}
