package io.llmpipeline.sim.internal;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.IntArrayList;

import io.llmpipeline.sim.FaultScript;

/**
 * Makes the deterministic answer: {@code "Answer from <model>: <last user message>"}, padded to a
 * scripted token count, then cut to the client's {@code max_tokens}.
 */
public final class Answerer {
    /** Appended to reach a scripted output size; one token per repetition in both encodings. */
    static final String FILLER = " sim";

    private final Clock clock;
    private final AtomicLong ids = new AtomicLong();

    public Answerer(Clock clock) {
        this.clock = clock;
    }

    public static String answerText(String model, String lastUserContent) {
        return "Answer from " + model + ": " + lastUserContent;
    }

    public Completion answer(ChatCall call, FaultScript script) {
        Encoding encoding = Tokens.encoding(script.tokenizer());
        String text = answerText(call.model(), call.lastUserContent());
        IntArrayList tokens = Tokens.encode(encoding, text);
        int count = tokens.size();
        if (script.outputTokens() != null) {
            int wanted = script.outputTokens();
            if (count >= wanted) {
                text = Tokens.prefix(encoding, tokens, wanted);
            } else {
                text = text + FILLER.repeat(wanted - count);
            }
            count = wanted;
        }
        boolean truncated = false;
        if (call.maxTokens() != null && count > call.maxTokens()) {
            int limit = Math.max(0, call.maxTokens());
            text = Tokens.prefix(encoding, Tokens.encode(encoding, text), limit);
            count = limit;
            truncated = true;
        }
        int promptTokens = Tokens.promptTokens(encoding, call.messages());
        int cached = Math.min(script.cachedPromptTokens(), promptTokens);
        String id = Long.toHexString(0x5100000000000000L | ids.incrementAndGet());
        return new Completion(id, call.model(), text, promptTokens, cached, count, truncated,
                clock.instant().getEpochSecond());
    }
}
