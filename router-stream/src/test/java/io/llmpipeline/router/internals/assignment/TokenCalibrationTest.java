package io.llmpipeline.router.internals.assignment;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.llmpipeline.catalog.CatalogLoader;
import io.llmpipeline.catalog.TokenCounter;
import io.llmpipeline.catalog.TokenizerKind;
import io.llmpipeline.router.Invocations;
import io.llmpipeline.router.RouterDriver;
import io.llmpipeline.router.Requests;
import io.llmpipeline.schemas.ChatMessage;
import io.llmpipeline.schemas.LlmAssignment;
import io.llmpipeline.schemas.Role;
import io.llmpipeline.schemas.Usage;

/** Token estimates for a model without a known tokenizer follow what the provider reports. */
class TokenCalibrationTest {
    private final RouterDriver router = new RouterDriver(CatalogLoader.parse("""
            providers:
              local: {kind: ollama, baseUrl: "http://localhost:11434"}
            models:
              llama:
                provider: local
                contextWindow: 32000
                maxOutputTokens: 2000
                tokenizer: estimate
            routes:
              - match: ""
                candidates: [llama]
            cache: {policy: disabled}
            """, "test", k -> null));
    // 4 000 characters in one user message
    private final List<ChatMessage> prompt = List.of(new ChatMessage(Role.USER, "abcd ".repeat(800), null, null));

    @AfterEach
    void close() {
        router.close();
    }

    private LlmAssignment assign(String id) {
        router.submit(Requests.valid(id).setMessages(prompt).build());
        return router.assigned.readValue();
    }

    @Test
    void shouldEstimateWithTheDefaultUntilUsageIsObservedThenFollowTheProvidersCount() {
        LlmAssignment before = assign("r1");
        // 4 000 chars / 4.0 chars per token * 1.15 safety + 3 reply + 3 per message
        assertThat(before.getEstimatedInputTokens()).isEqualTo(1_156);
        assertThat(before.getExactTokenCount()).isFalse();

        // the provider counts 2 000 tokens for these 4 000 characters: 2 characters per token
        for (int i = 0; i < 5; i++) {
            router.invocations.pipeInput("r1", Invocations.of(before, 1, 0, true).setUsage(new Usage(2_000, 10, 0, 0))
                    .setPromptChars(4_000).build());
        }
        router.advance(Duration.ofSeconds(1));
        LlmAssignment after = assign("r2");

        assertThat(after.getEstimatedInputTokens()).isEqualTo(TokenCounter.count(TokenizerKind.ESTIMATE, prompt, 2.0))
                .isEqualTo(2_306);
    }

    @Test
    void shouldClampAnAbsurdObservation() {
        LlmAssignment before = assign("r1");
        router.invocations.pipeInput("r1", Invocations.of(before, 1, 0, true).setUsage(new Usage(1, 10, 0, 0))
                .setPromptChars(4_000).build());
        router.advance(Duration.ofSeconds(1));

        // 4 000 characters in 1 token would be 4 000 chars per token; clamped to 8
        assertThat(assign("r2").getEstimatedInputTokens()).isEqualTo(TokenCounter.count(TokenizerKind.ESTIMATE, prompt, 8.0));
    }
}
