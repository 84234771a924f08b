package io.llmpipeline.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;

/** The official OpenAI Java SDK, pointed at the API, against the real pipeline on a real broker. */
@ExtendWith(SharedPipeline.class)
class OpenAiSdkTest {
    static PipelineUnderTest pipeline;
    static HttpApi api;
    static final PipelineUnderTest.TestClock CLOCK = new PipelineUnderTest.TestClock();

    @BeforeAll
    static void start(PipelineUnderTest shared) throws Exception {
        pipeline = shared;
        api = pipeline.startApi(HttpApiOptions.defaults().withClock(CLOCK).withResultTimeout(Duration.ofSeconds(60)));
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    private static OpenAIClient client(String key) {
        return OpenAIOkHttpClient.builder().apiKey(key).baseUrl(api.baseUrl() + "/v1").maxRetries(0)
                .timeout(Duration.ofSeconds(90)).build();
    }

    private static ChatCompletionCreateParams.Builder question(String text) {
        return ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage(text).maxCompletionTokens(64);
    }

    @Test
    void shouldAnswerAChatCompletionWithRealUsageAndThePipelinesHeaders() {
        HttpResponseFor<ChatCompletion> raw = client(PipelineUnderTest.ACME_KEY).chat().completions().withRawResponse()
                .create(question("what is kafka?").build());
        ChatCompletion completion = raw.parse();

        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(completion.choices()).singleElement().satisfies(choice -> {
            assertThat(choice.message().content()).hasValueSatisfying(text -> assertThat(text).endsWith("what is kafka?"));
            assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        });
        assertThat(completion.model()).isEqualTo("gpt-4o-mini");
        assertThat(completion.id()).startsWith("chatcmpl-req_");
        assertThat(completion.usage()).hasValueSatisfying(usage -> {
            assertThat(usage.promptTokens()).isPositive();
            assertThat(usage.completionTokens()).isPositive();
            assertThat(usage.totalTokens()).isEqualTo(usage.promptTokens() + usage.completionTokens());
        });
        assertThat(Long.parseLong(raw.headers().values("X-LLM-Cost-Micros").get(0))).isPositive();
        assertThat(raw.headers().values("X-LLM-Cache-Hit")).containsExactly("false");
        assertThat(raw.headers().values("X-LLM-Model")).containsExactly("gpt-4o-mini");
        assertThat(raw.headers().values("X-LLM-Attempts")).containsExactly("1");
    }

    @Test
    void shouldStreamChunksThatAddUpToTheAnswerEndingWithUsage() {
        ChatCompletionCreateParams params = question("tell me a long story about partitions and consumer groups")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client(PipelineUnderTest.ACME_KEY).chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunks::add);
        }

        StringBuilder text = new StringBuilder();
        chunks.forEach(chunk -> chunk.choices().forEach(choice -> choice.delta().content().ifPresent(text::append)));
        assertThat(chunks.size()).isGreaterThan(3);
        assertThat(text.toString()).endsWith("tell me a long story about partitions and consumer groups");
        assertThat(chunks.get(chunks.size() - 2).choices().get(0).finishReason()).hasValue(ChatCompletionChunk.Choice.FinishReason.STOP);
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage()).hasValueSatisfying(usage -> assertThat(usage.completionTokens()).isPositive());
    }

    @Test
    void shouldRefuseAMissingOrUnknownKeyWith401() {
        assertThatThrownBy(() -> client("sk-not-a-key").chat().completions().create(question("hi").build()))
                .isInstanceOfSatisfying(UnauthorizedException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(401);
                    assertThat(e.body().toString()).contains("invalid_api_key").doesNotContain("sk-not-a-key");
                });
    }

    @Test
    void shouldAnswer429WithRetryAfterOnceTheKeysRateIsSpentAndServeAgainAMinuteLater() {
        OpenAIClient tight = client(PipelineUnderTest.TIGHT_KEY);
        // requestsPerMinute: 2, and the test clock stands still, so the third call is over the limit
        tight.chat().completions().create(question("one").build());
        tight.chat().completions().create(question("two").build());

        assertThatThrownBy(() -> tight.chat().completions().create(question("three").build()))
                .isInstanceOfSatisfying(RateLimitException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(429);
                    assertThat(Integer.parseInt(e.headers().values("Retry-After").get(0))).isBetween(1, 30);
                    assertThat(e.body().toString()).contains("rate_limit_exceeded");
                });
        assertThat(api.metrics().counter("llm.http.rate.limited", "key", "acme-tight")).isEqualTo(1);

        CLOCK.advance(Duration.ofMinutes(1));
        assertThat(tight.chat().completions().create(question("four").build()).choices()).hasSize(1);
    }

    @Test
    void shouldAnswerAnUnknownModelWith404AndAnInvalidRequestWithThePipelinesErrorKind() {
        OpenAIClient client = client(PipelineUnderTest.ACME_KEY);
        assertThatThrownBy(() -> client.chat().completions().create(question("hi").model("gpt-9").build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.body().toString()).contains("model_not_found"));
        // the router refuses a pin the route does not allow, and says why in the error result
        assertThatThrownBy(() -> client.chat().completions().create(question("hi").model("claude-3-5-haiku").build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.headers().values("X-LLM-Error-Kind")).containsExactly("INVALID_REQUEST");
                    assertThat(e.body().toString()).contains("llm_error_kind").contains("INVALID_REQUEST")
                            .contains("not allowed on route");
                });
    }
}
