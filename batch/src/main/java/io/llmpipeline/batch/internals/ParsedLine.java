package io.llmpipeline.batch.internals;

import java.util.List;

import io.llmpipeline.schemas.ChatMessage;
import io.llmpipeline.schemas.GenerationParams;

/** One line of a batch file, read: a request to send, or the reason it cannot be. */
public sealed interface ParsedLine {
    /** 1-based line number in the file. */
    long lineNumber();

    /** The line's custom_id when it could be read, else null. */
    String customId();

    /**
     * @param model       the model the line names (a pin unless the batch has a task type)
     * @param passthrough JSON object of body fields the pipeline has no field for (tools, response_format), or null
     */
    record Valid(long lineNumber, String customId, String model, List<ChatMessage> messages, GenerationParams params,
                 String passthrough) implements ParsedLine {
    }

    record Invalid(long lineNumber, String customId, String reason) implements ParsedLine {
    }
}
