package io.llmpipeline.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.CatalogLoader;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.Role;

class OpenAiChatTest {
    private static final Catalog CATALOG = CatalogLoader.loadDefault();
    private final OpenAiChat format = new OpenAiChat();

    private ParsedCall parse(String json) {
        return format.parse(Json.parseObject(json), CATALOG);
    }

    @Test
    void shouldMapMessagesParametersAndToolsOntoTheRequest() {
        ParsedCall call = parse("""
                {"model": "gpt-4o", "max_completion_tokens": 100, "temperature": 0, "seed": 7, "stop": "END",
                 "stream": true, "stream_options": {"include_usage": true}, "user": "u-1",
                 "tools": [{"type": "function", "function": {"name": "f"}}],
                 "messages": [{"role": "developer", "content": "be brief"},
                              {"role": "user", "content": [{"type": "text", "text": "hel"}, {"type": "text", "text": "lo"}]},
                              {"role": "assistant", "content": null},
                              {"role": "tool", "content": "42", "tool_call_id": "call-1"}]}""");
        LlmRequest request = call.request().build();

        assertThat(request.getModel()).isEqualTo("gpt-4o");
        assertThat(request.getMessages()).extracting(m -> m.getRole()).containsExactly(Role.SYSTEM, Role.USER, Role.ASSISTANT, Role.TOOL);
        assertThat(request.getMessages().get(1).getContent()).isEqualTo("hello");
        assertThat(request.getMessages().get(3).getToolCallId()).isEqualTo("call-1");
        assertThat(request.getParams().getMaxTokens()).isEqualTo(100);
        assertThat(request.getParams().getSeed()).isEqualTo(7L);
        assertThat(request.getParams().getStop()).containsExactly("END");
        assertThat(request.getPassthroughJson()).contains("\"tools\"");
        assertThat(request.getMetadata()).containsEntry("user", "u-1").containsEntry(ApiFormat.METADATA_KEY, "openai");
        assertThat(call.stream()).isTrue();
        assertThat(call.includeUsage()).isTrue();
        assertThat(parse("{\"model\": \"auto\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}").request().build().getModel()).isNull();
    }

    @Test
    void shouldRefuseWhatItCannotServeNamingTheField() {
        assertThatThrownBy(() -> parse("{\"model\": \"auto\", \"n\": 2, \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}"))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.param()).isEqualTo("n"));
        assertThatThrownBy(() -> parse("""
                {"model": "auto", "messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}]}"""))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.getMessage()).contains("image_url").contains("only text parts"));
        assertThatThrownBy(() -> parse("{\"model\": \"auto\", \"messages\": []}"))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.status()).isEqualTo(400));
        assertThatThrownBy(() -> parse("{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}"))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.param()).isEqualTo("model"));
        assertThatThrownBy(() -> parse("not json"))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.getMessage()).contains("not valid JSON"));
    }
}
