package io.llmpipeline.router.internals.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.llmpipeline.catalog.CatalogLoader;
import io.llmpipeline.catalog.TokenCounter;
import io.llmpipeline.catalog.TokenizerKind;
import io.llmpipeline.router.RouterDriver;
import io.llmpipeline.router.Requests;
import io.llmpipeline.schemas.ChatMessage;
import io.llmpipeline.schemas.LlmAssignment;
import io.llmpipeline.schemas.Role;

class PromptCompressionTest {
    @Test
    void shouldCollapseWhitespaceButLeaveCodeFencesAlone() {
        String text = "  Summarise   this:\t\tplease   \n\n\n\n\nThanks \n```\ndef f():\n    return  1\n```\n  done  ";
        assertThat(PromptCompression.compress(text))
                .isEqualTo("Summarise this: please\n\nThanks\n```\ndef f():\n    return  1\n```\n done");
    }

    @Test
    void shouldReportTheSavingAndCountTokensOfTheCompressedPrompt() {
        String padded = "Say    hello    to   the   world.      " + " ".repeat(100);
        try (RouterDriver router = new RouterDriver(CatalogLoader.loadDefault())) {
            router.submit(Requests.valid("r1").setCompressPrompt(true)
                    .setMessages(List.of(new ChatMessage(Role.USER, padded, null, null))).build());
            LlmAssignment a = router.assigned.readValue();

            assertThat(a.getRequest().getMessages().getFirst().getContent()).isEqualTo("Say hello to the world.");
            assertThat(a.getSavedPromptChars()).isEqualTo(padded.length() - "Say hello to the world.".length());
            assertThat(a.getEstimatedInputTokens()).isEqualTo(TokenCounter.count(TokenizerKind.O200K_BASE, a.getRequest().getMessages()));
        }
    }

    @Test
    void shouldLeaveAPromptAloneUnlessAsked() {
        String padded = "Say    hello";
        try (RouterDriver router = new RouterDriver(CatalogLoader.loadDefault())) {
            router.submit(Requests.valid("r1").setMessages(List.of(new ChatMessage(Role.USER, padded, null, null))).build());
            LlmAssignment a = router.assigned.readValue();
            assertThat(a.getRequest().getMessages().getFirst().getContent()).isEqualTo(padded);
            assertThat(a.getSavedPromptChars()).isZero();
        }
    }
}
