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

class AnthropicAdapterTest {
    private final ProviderAdapter adapter = ProviderAdapter.forKind(ProviderKind.ANTHROPIC, Clock.systemUTC());

    @Test
    void shouldPostMessagesWithTheSystemPromptAtTheTopAndTheVersionHeader() {
        HttpCall http = adapter.request(Calls.call(ProviderKind.ANTHROPIC, "http://sim/anthropic", false, null));
        JsonNode body = Calls.json(http);

        assertThat(http.uri().toString()).isEqualTo("http://sim/anthropic/v1/messages");
        assertThat(http.headers()).containsEntry("anthropic-version", "2023-06-01");
        assertThat(body.path("system").asText()).isEqualTo("Be brief.");
        assertThat(body.path("messages")).hasSize(1);
        assertThat(body.path("max_tokens").asInt()).isEqualTo(100);
        assertThat(body.path("stop_sequences").get(0).asText()).isEqualTo("END");
    }

    @Test
    void shouldCountCacheReadAndCacheCreationTokensAsInput() {
        Answered a = (Answered) adapter.outcome(Calls.ok("""
                {"id":"msg_1","type":"message","role":"assistant","content":[{"type":"text","text":"Hi."}],
                 "stop_reason":"end_turn","usage":{"input_tokens":10,"output_tokens":3,
                 "cache_read_input_tokens":100,"cache_creation_input_tokens":20}}"""),
                Calls.call(ProviderKind.ANTHROPIC, "http://sim/anthropic", false, null));

        assertThat(a.text()).isEqualTo("Hi.");
        assertThat(a.finishReason()).isEqualTo("stop");
        assertThat(a.usage().getInputTokens()).isEqualTo(130);
        assertThat(a.usage().getCachedInputTokens()).isEqualTo(100);
        assertThat(a.usage().getCacheCreationTokens()).isEqualTo(20);
    }

    @Test
    void shouldReadOverloadedAs529ProviderOverloaded() {
        Failed f = (Failed) adapter.outcome(Calls.status(529,
                "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}", Map.of()),
                Calls.call(ProviderKind.ANTHROPIC, "http://sim/anthropic", false, null));
        assertThat(f.kind()).isEqualTo(ErrorKind.PROVIDER_OVERLOADED);
        assertThat(f.httpStatus()).isEqualTo(529);
        assertThat(f.message()).contains("overloaded_error");
    }

    @Test
    void shouldReadAPromptTooLongAsContextOverflow() {
        Failed f = (Failed) adapter.outcome(Calls.status(400,
                "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"prompt is too long: 210000 tokens > 200000 maximum\"}}",
                Map.of()), Calls.call(ProviderKind.ANTHROPIC, "http://sim/anthropic", false, null));
        assertThat(f.kind()).isEqualTo(ErrorKind.CONTEXT_OVERFLOW);
    }

    @Test
    void shouldAssembleTheEventStream() {
        String sse = """
                event: message_start
                data: {"type":"message_start","message":{"id":"m","usage":{"input_tokens":12,"output_tokens":1}}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"lo"}}

                event: message_delta
                data: {"type":"message_delta","delta":{"stop_reason":"max_tokens"},"usage":{"output_tokens":2}}

                event: message_stop
                data: {"type":"message_stop"}

                """;
        Answered a = (Answered) adapter.outcome(Calls.ok(sse), Calls.call(ProviderKind.ANTHROPIC, "http://sim/anthropic", true, null));
        assertThat(a.text()).isEqualTo("Hello");
        assertThat(a.finishReason()).isEqualTo("length");
        assertThat(a.usage().getInputTokens()).isEqualTo(12);
        assertThat(a.usage().getOutputTokens()).isEqualTo(2);
    }

    @Test
    void shouldReportAnOverloadedEventMidStreamAsAPartialFailure() {
        String sse = """
                data: {"type":"message_start","message":{"id":"m","usage":{"input_tokens":12}}}

                data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}

                data: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}

                """;
        Failed f = (Failed) adapter.outcome(Calls.ok(sse), Calls.call(ProviderKind.ANTHROPIC, "http://sim/anthropic", true, null));
        assertThat(f.kind()).isEqualTo(ErrorKind.PROVIDER_OVERLOADED);
        assertThat(f.partial()).isTrue();
        assertThat(f.usage().getInputTokens()).isEqualTo(12);
    }
}
