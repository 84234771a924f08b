package io.llmpipeline.http.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a whole answer into stream pieces. The pipeline's result arrives whole (the worker may
 * stream from the provider, but a result is one Kafka record), so a streamed answer is the final
 * text cut at word boundaries: clients written for streams work, but the first piece comes no
 * sooner than the whole answer.
 */
final class AnswerPieces {
    static final int TARGET_CHARS = 24;

    private AnswerPieces() {
    }

    static List<String> split(String text) {
        List<String> pieces = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return pieces;
        }
        int start = 0;
        while (start < text.length()) {
            int end = Math.min(text.length(), start + TARGET_CHARS);
            if (end < text.length()) {
                int space = text.lastIndexOf(' ', end);
                if (space > start) {
                    end = space + 1;
                } else if (Character.isHighSurrogate(text.charAt(end - 1))) {
                    end++; // never split a surrogate pair
                }
            }
            pieces.add(text.substring(start, end));
            start = end;
        }
        return pieces;
    }
}
