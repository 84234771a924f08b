package io.llmpipeline.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class AnswerPiecesTest {
    @Test
    void shouldCutAtSpacesIntoPiecesThatJoinBackToTheAnswer() {
        String answer = "Kafka keeps the request durable while the provider is down, and the worker retries it later.";
        List<String> pieces = AnswerPieces.split(answer);

        assertThat(String.join("", pieces)).isEqualTo(answer);
        assertThat(pieces).hasSizeGreaterThan(3).allSatisfy(p -> assertThat(p.length()).isLessThanOrEqualTo(AnswerPieces.TARGET_CHARS));
        assertThat(pieces.subList(0, pieces.size() - 1)).allSatisfy(p -> assertThat(p).endsWith(" "));
    }

    @Test
    void shouldNeverSplitASurrogatePairInALongWord() {
        String emoji = "\uD83D\uDE00".repeat(30);
        List<String> pieces = AnswerPieces.split(emoji);
        assertThat(String.join("", pieces)).isEqualTo(emoji);
        assertThat(pieces).allSatisfy(p -> assertThat(Character.isHighSurrogate(p.charAt(p.length() - 1))).isFalse());
        assertThat(AnswerPieces.split("")).isEmpty();
    }
}
