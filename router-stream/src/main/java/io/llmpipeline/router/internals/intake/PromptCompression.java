package io.llmpipeline.router.internals.intake;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;

import io.llmpipeline.schemas.ChatMessage;
import io.llmpipeline.schemas.LlmRequest;

/**
 * For requests that ask for it, normalises whitespace in every message — the only compression that
 * cannot change what the model is asked: runs of spaces and tabs become one space, trailing spaces
 * go, three or more line breaks become two, and the ends are trimmed. Text inside ``` fences (code,
 * where indentation means something) is left exactly as it was. The characters saved travel to the
 * assignment in a record header.
 */
public final class PromptCompression extends ContextualProcessor<String, LlmRequest, String, LlmRequest> {
    public static final String SAVED_HEADER = "llm.saved-prompt-chars";

    @Override
    public void process(Record<String, LlmRequest> record) {
        LlmRequest request = record.value();
        if (!request.getCompressPrompt()) {
            context().forward(record);
            return;
        }
        int saved = 0;
        List<ChatMessage> out = new ArrayList<>(request.getMessages().size());
        for (ChatMessage m : request.getMessages()) {
            String compact = compress(m.getContent());
            saved += m.getContent().length() - compact.length();
            out.add(ChatMessage.newBuilder(m).setContent(compact).build());
        }
        LlmRequest compressed = LlmRequest.newBuilder(request).setMessages(out).build();
        Record<String, LlmRequest> next = record.withValue(compressed);
        next.headers().remove(SAVED_HEADER);
        next.headers().add(SAVED_HEADER, Integer.toString(saved).getBytes(StandardCharsets.UTF_8));
        context().forward(next);
    }

    public static String compress(String text) {
        StringBuilder out = new StringBuilder(text.length());
        String[] parts = text.split("(?=```)|(?<=```)", -1);
        boolean inFence = false;
        for (String part : parts) {
            if (part.equals("```")) {
                inFence = !inFence;
                out.append(part);
            } else if (inFence) {
                out.append(part);
            } else {
                out.append(part.replaceAll("[ \\t\\x0B\\f]+", " ")
                        .replaceAll(" +(\\r?\\n)", "$1")
                        .replaceAll("(\\r?\\n){3,}", "\n\n"));
            }
        }
        return out.toString().strip();
    }

    public static int savedChars(Record<?, ?> record) {
        var header = record.headers().lastHeader(SAVED_HEADER);
        return header == null ? 0 : Integer.parseInt(new String(header.value(), StandardCharsets.UTF_8));
    }
}
