package io.llmpipeline.catalog;

import java.util.List;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;

import io.llmpipeline.schemas.ChatMessage;

/**
 * Counts the input tokens of a chat prompt. Exact (jtokkit) for models whose encoding is known;
 * otherwise an estimate from characters with a safety margin, so that budgets and context checks
 * err on the side of too many tokens.
 */
public final class TokenCounter {
    /** OpenAI's chat format adds about this many tokens per message (role, separators). */
    static final int TOKENS_PER_MESSAGE = 3;
    /** ... and this many to prime the reply. */
    static final int TOKENS_PER_REPLY = 3;
    /** Characters per token assumed for models without a known encoding, before calibration. */
    public static final double DEFAULT_CHARS_PER_TOKEN = 4.0;
    /** Estimates are inflated by this factor so they rarely undercount. */
    public static final double ESTIMATE_SAFETY_FACTOR = 1.15;

    private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();

    private TokenCounter() {
    }

    /** Whether {@link #count} is exact for this tokenizer. */
    public static boolean isExact(TokenizerKind kind) {
        return kind != TokenizerKind.ESTIMATE;
    }

    public static int count(TokenizerKind kind, List<ChatMessage> messages) {
        return count(kind, messages, DEFAULT_CHARS_PER_TOKEN);
    }

    /**
     * @param charsPerToken the model's calibrated characters per token, used only when the
     *                      encoding is not known
     */
    public static int count(TokenizerKind kind, List<ChatMessage> messages, double charsPerToken) {
        return switch (kind) {
            case CL100K_BASE -> exact(REGISTRY.getEncoding(EncodingType.CL100K_BASE), messages);
            case O200K_BASE -> exact(REGISTRY.getEncoding(EncodingType.O200K_BASE), messages);
            case ESTIMATE -> estimate(messages, charsPerToken);
        };
    }

    private static int exact(Encoding encoding, List<ChatMessage> messages) {
        int tokens = TOKENS_PER_REPLY;
        for (ChatMessage message : messages) {
            tokens += TOKENS_PER_MESSAGE + encoding.countTokensOrdinary(message.getContent());
            if (message.getName() != null) {
                tokens += 1 + encoding.countTokensOrdinary(message.getName());
            }
        }
        return tokens;
    }

    private static int estimate(List<ChatMessage> messages, double charsPerToken) {
        long chars = 0;
        for (ChatMessage message : messages) {
            chars += message.getContent().length();
        }
        double tokens = chars / Math.max(0.5, charsPerToken) * ESTIMATE_SAFETY_FACTOR;
        return (int) Math.ceil(tokens) + TOKENS_PER_REPLY + TOKENS_PER_MESSAGE * messages.size();
    }
}
