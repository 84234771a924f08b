package io.llmpipeline.worker.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.llmpipeline.catalog.ProviderKind;
import io.llmpipeline.schemas.ErrorKind;
import io.llmpipeline.worker.provider.AttemptOutcome.Answered;
import io.llmpipeline.worker.provider.AttemptOutcome.Failed;

class OllamaAdapterTest {
    private final ProviderAdapter adapter = ProviderAdapter.forKind(ProviderKind.OLLAMA, Clock.systemUTC());

    @Test
    void shouldSendTheContextWindowAsNumCtxAndTurnStreamingOffExplicitly() {
        HttpCall http = adapter.request(Calls.call(ProviderKind.OLLAMA, "http://sim/ollama", false, null));
        JsonNode body = Calls.json(http);

        assertThat(http.uri().toString()).isEqualTo("http://sim/ollama/api/chat");
        assertThat(body.path("stream").isBoolean()).isTrue();
        assertThat(body.path("stream").asBoolean()).isFalse();
        assertThat(body.path("options").path("num_ctx").asInt()).isEqualTo(4096);
        assertThat(body.path("options").path("num_predict").asInt()).isEqualTo(100);
    }

    @Test
    void shouldReadPromptEvalAndEvalCounts() {
        Answered a = (Answered) adapter.outcome(Calls.ok("""
                {"model":"llama","message":{"role":"assistant","content":"Hi."},"done_reason":"stop","done":true,
                 "prompt_eval_count":26,"eval_count":3}"""), Calls.call(ProviderKind.OLLAMA, "http://sim/ollama", false, null));
        assertThat(a.text()).isEqualTo("Hi.");
        assertThat(a.usage().getInputTokens()).isEqualTo(26);
        assertThat(a.usage().getOutputTokens()).isEqualTo(3);
    }

    @Test
    void shouldAssembleNdjsonAndNoticeAStreamWithoutItsDoneLine() {
        String lines = """
                {"message":{"role":"assistant","content":"Hel"},"done":false}
                {"message":{"role":"assistant","content":"lo"},"done":false}
                {"message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","prompt_eval_count":9,"eval_count":2}
                """;
        Answered a = (Answered) adapter.outcome(Calls.ok(lines), Calls.call(ProviderKind.OLLAMA, "http://sim/ollama", true, null));
        assertThat(a.text()).isEqualTo("Hello");
        assertThat(a.usage().getInputTokens()).isEqualTo(9);

        String cut = """
                {"message":{"role":"assistant","content":"Hel"},"done":false}
                """;
        Failed f = (Failed) adapter.outcome(Calls.ok(cut), Calls.call(ProviderKind.OLLAMA, "http://sim/ollama", true, null));
        assertThat(f.kind()).isEqualTo(ErrorKind.STREAM_INTERRUPTED);
        assertThat(f.message()).contains("without its final event");
    }
}
