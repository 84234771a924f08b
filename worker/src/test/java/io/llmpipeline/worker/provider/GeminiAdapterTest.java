package io.llmpipeline.worker.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.llmpipeline.catalog.ProviderKind;
import io.llmpipeline.schemas.ErrorKind;
import io.llmpipeline.worker.provider.AttemptOutcome.Answered;
import io.llmpipeline.worker.provider.AttemptOutcome.Failed;

class GeminiAdapterTest {
    private final ProviderAdapter adapter = ProviderAdapter.forKind(ProviderKind.GEMINI, Clock.systemUTC());

    @Test
    void shouldPostGenerateContentWithSystemInstructionAndModelRole() {
        HttpCall http = adapter.request(Calls.call(ProviderKind.GEMINI, "http://sim/gemini", false, null));
        JsonNode body = Calls.json(http);

        assertThat(http.uri().toString()).isEqualTo("http://sim/gemini/v1beta/models/vendor-model:generateContent");
        assertThat(body.path("systemInstruction").path("parts").get(0).path("text").asText()).isEqualTo("Be brief.");
        assertThat(body.path("contents")).hasSize(1);
        assertThat(body.path("contents").get(0).path("role").asText()).isEqualTo("user");
        assertThat(body.path("generationConfig").path("maxOutputTokens").asInt()).isEqualTo(100);
    }

    @Test
    void shouldStreamOverSse() {
        HttpCall http = adapter.request(Calls.call(ProviderKind.GEMINI, "http://sim/gemini", true, null));
        assertThat(http.uri().toString()).endsWith("/vendor-model:streamGenerateContent?alt=sse");
    }

    @Test
    void shouldReadUsageMetadata() {
        Answered a = (Answered) adapter.outcome(Calls.ok("""
                {"candidates":[{"content":{"role":"model","parts":[{"text":"Hi."}]},"finishReason":"STOP"}],
                 "usageMetadata":{"promptTokenCount":14,"candidatesTokenCount":3,"totalTokenCount":17,"cachedContentTokenCount":4}}"""),
                Calls.call(ProviderKind.GEMINI, "http://sim/gemini", false, null));
        assertThat(a.text()).isEqualTo("Hi.");
        assertThat(a.finishReason()).isEqualTo("stop");
        assertThat(a.usage().getInputTokens()).isEqualTo(14);
        assertThat(a.usage().getOutputTokens()).isEqualTo(3);
        assertThat(a.usage().getCachedInputTokens()).isEqualTo(4);
    }

    @Test
    void shouldReadResourceExhaustedAsRateLimited() {
        Failed f = (Failed) adapter.outcome(Calls.status(429,
                "{\"error\":{\"code\":429,\"message\":\"Quota exceeded\",\"status\":\"RESOURCE_EXHAUSTED\"}}", Map.of()),
                Calls.call(ProviderKind.GEMINI, "http://sim/gemini", false, null));
        assertThat(f.kind()).isEqualTo(ErrorKind.RATE_LIMITED);
    }

    @Test
    void shouldNeverRepeatTheApiKeyInAnErrorMessage() {
        ProviderCall call = Calls.call(ProviderKind.GEMINI, "http://sim/gemini", false, null);
        String message = HttpFailures.redact("API key AIzaSyD-secret-key-1234 is invalid", "AIzaSyD-secret-key-1234");
        assertThat(message).doesNotContain("AIzaSyD-secret-key-1234").contains("[redacted]");
        assertThat(call.apiKey()).isNull();
    }
}
