package io.llmpipeline.worker.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.llmpipeline.catalog.ProviderKind;
import io.llmpipeline.schemas.ErrorKind;
import io.llmpipeline.worker.provider.AttemptOutcome.Answered;
import io.llmpipeline.worker.provider.AttemptOutcome.Failed;

class OpenAiAdapterTest {
    private final ProviderAdapter adapter = ProviderAdapter.forKind(ProviderKind.OPENAI, Clock.systemUTC());

    @Test
    void shouldPostChatCompletionsWithTheProvidersModelNameAndMergePassthrough() {
        ProviderCall call = Calls.call(ProviderKind.OPENAI, "http://sim/v1/", false,
                "{\"response_format\": {\"type\": \"json_object\"}, \"model\": \"hijack\"}");
        HttpCall http = adapter.request(call);
        JsonNode body = Calls.json(http);

        assertThat(http.uri().toString()).isEqualTo("http://sim/v1/chat/completions");
        assertThat(body.path("model").asText()).isEqualTo("vendor-model");
        assertThat(body.path("messages").get(0).path("role").asText()).isEqualTo("system");
        assertThat(body.path("messages").get(1).path("content").asText()).isEqualTo("Hello?");
        assertThat(body.path("max_tokens").asInt()).isEqualTo(100);
        assertThat(body.path("stop").get(0).asText()).isEqualTo("END");
        assertThat(body.path("response_format").path("type").asText()).isEqualTo("json_object");
        assertThat(body.has("stream")).isFalse();
    }

    @Test
    void shouldRefuseAPassthroughThatIsNotAJsonObject() {
        ProviderCall call = Calls.call(ProviderKind.OPENAI, "http://sim/v1", false, "[1,2]");
        assertThatThrownBy(() -> adapter.request(call)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("passthrough_json");
    }

    @Test
    void shouldAskForUsageInTheLastChunkWhenStreaming() {
        JsonNode body = Calls.json(adapter.request(Calls.call(ProviderKind.OPENAI, "http://sim/v1", true, null)));
        assertThat(body.path("stream").asBoolean()).isTrue();
        assertThat(body.path("stream_options").path("include_usage").asBoolean()).isTrue();
    }

    @Test
    void shouldReadAnAnswerWithCachedPromptTokens() {
        AttemptOutcome o = adapter.outcome(Calls.ok("""
                {"id":"c1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Hi."},
                 "finish_reason":"stop"}],"usage":{"prompt_tokens":30,"completion_tokens":2,"total_tokens":32,
                 "prompt_tokens_details":{"cached_tokens":16}}}"""), Calls.call(ProviderKind.OPENAI, "http://sim/v1", false, null));

        Answered a = (Answered) o;
        assertThat(a.text()).isEqualTo("Hi.");
        assertThat(a.finishReason()).isEqualTo("stop");
        assertThat(a.usage().getInputTokens()).isEqualTo(30);
        assertThat(a.usage().getOutputTokens()).isEqualTo(2);
        assertThat(a.usage().getCachedInputTokens()).isEqualTo(16);
    }

    @Test
    void shouldAssembleAStreamAndItsFinalUsage() {
        String sse = """
                data: {"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}

                data: {"choices":[{"index":0,"delta":{"content":"Hel"}}]}

                data: {"choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":"length"}]}

                data: {"choices":[],"usage":{"prompt_tokens":11,"completion_tokens":2}}

                data: [DONE]

                """;
        Answered a = (Answered) adapter.outcome(Calls.ok(sse), Calls.call(ProviderKind.OPENAI, "http://sim/v1", true, null));
        assertThat(a.text()).isEqualTo("Hello");
        assertThat(a.finishReason()).isEqualTo("length");
        assertThat(a.usage().getInputTokens()).isEqualTo(11);
    }

    @Test
    void shouldReportACutStreamAsInterruptedAndBilledWithEstimatedUsage() {
        String sse = """
                data: {"choices":[{"index":0,"delta":{"content":"Hel"}}]}

                data: {"choices":[{"index":0,"delta":{"content":"lo"}}]}

                data: {"choices":[{"ind""";
        Failed f = (Failed) adapter.outcome(Calls.cut(sse), Calls.call(ProviderKind.OPENAI, "http://sim/v1", true, null));
        assertThat(f.kind()).isEqualTo(ErrorKind.STREAM_INTERRUPTED);
        assertThat(f.partial()).isTrue();
        assertThat(f.billed()).isTrue();
        assertThat(f.usage().getInputTokens()).isEqualTo(42);
        assertThat(f.usage().getOutputTokens()).isEqualTo(2);
    }

    @Test
    void shouldKeepTheUsageOfAnUnparseable200() {
        String truncated = "{\"choices\":[{\"message\":{\"content\":\"Hi\"}}],\"usage\":{\"prompt_tokens\":30,\"completion_tokens\":5,\"to";
        Failed f = (Failed) adapter.outcome(Calls.ok(truncated), Calls.call(ProviderKind.OPENAI, "http://sim/v1", false, null));
        assertThat(f.kind()).isEqualTo(ErrorKind.MALFORMED_RESPONSE);
        assertThat(f.usage().getInputTokens()).isEqualTo(30);
        assertThat(f.usage().getOutputTokens()).isEqualTo(5);
    }

    @Test
    void shouldRecogniseAContextOverflowAndReadRetryAfter() {
        Failed overflow = (Failed) adapter.outcome(Calls.status(400, """
                {"error":{"message":"This model's maximum context length is 8192 tokens.","type":"invalid_request_error",
                 "param":"messages","code":"context_length_exceeded"}}""", Map.of()),
                Calls.call(ProviderKind.OPENAI, "http://sim/v1", false, null));
        Failed limited = (Failed) adapter.outcome(Calls.status(429, "{\"error\":{\"message\":\"Rate limit\"}}",
                Map.of("retry-after", "3")), Calls.call(ProviderKind.OPENAI, "http://sim/v1", false, null));

        assertThat(overflow.kind()).isEqualTo(ErrorKind.CONTEXT_OVERFLOW);
        assertThat(limited.kind()).isEqualTo(ErrorKind.RATE_LIMITED);
        assertThat(limited.retryAfter()).isEqualTo(Duration.ofSeconds(3));
    }
}
