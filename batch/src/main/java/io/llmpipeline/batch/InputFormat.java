package io.llmpipeline.batch;

/** The two batch file formats, in and out: a batch's results come back in its input's format. */
public enum InputFormat {
    /** OpenAI Batch: {@code {"custom_id", "method": "POST", "url": "/v1/chat/completions", "body": {...}}}. */
    OPENAI,
    /** Anthropic Message Batches: {@code {"custom_id", "params": {...}}}. */
    ANTHROPIC;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static InputFormat ofWireName(String name) {
        return valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }
}
