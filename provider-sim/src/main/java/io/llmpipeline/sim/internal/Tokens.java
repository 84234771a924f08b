package io.llmpipeline.sim.internal;

import java.util.List;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;

import io.llmpipeline.sim.FaultScript;

/**
 * Token arithmetic with jtokkit, counted the way OpenAI bills chat prompts, so that the
 * pipeline's own counter (catalog's TokenCounter) agrees with what the simulator reports.
 */
public final class Tokens {
    static final int TOKENS_PER_MESSAGE = 3;
    static final int TOKENS_PER_REPLY = 3;

    private static final EncodingRegistry REGISTRY = Encodings.newDefaultEncodingRegistry();
    private static final Encoding O200K = REGISTRY.getEncoding(EncodingType.O200K_BASE);
    private static final Encoding CL100K = REGISTRY.getEncoding(EncodingType.CL100K_BASE);

    private Tokens() {
    }

    public static Encoding encoding(String tokenizer) {
        return FaultScript.CL100K_BASE.equals(tokenizer) ? CL100K : O200K;
    }

    public static int promptTokens(Encoding encoding, List<ChatMessage> messages) {
        int tokens = TOKENS_PER_REPLY;
        for (ChatMessage message : messages) {
            tokens += TOKENS_PER_MESSAGE + encoding.countTokensOrdinary(message.content());
        }
        return tokens;
    }

    public static IntArrayList encode(Encoding encoding, String text) {
        return encoding.encodeOrdinary(text);
    }

    /** The text of the first {@code n} tokens. */
    public static String prefix(Encoding encoding, IntArrayList tokens, int n) {
        IntArrayList head = new IntArrayList(n);
        for (int i = 0; i < n; i++) {
            head.add(tokens.get(i));
        }
        return encoding.decode(head);
    }
}
