package io.llmpipeline.batch;

import java.nio.file.Path;

/**
 * What a submitter run did.
 *
 * @param batchId    the batch (derived from the file unless named)
 * @param format     the input's format
 * @param lines      lines in the file
 * @param valid      lines that run
 * @param invalid    bad lines (listed in {@code errorsFile})
 * @param sentNow    requests this run put on Kafka (a resumed run sends only what the last one may not have)
 * @param cursor     valid lines on Kafka when the run ended
 * @param endReason  why sending stopped: all, cancelled, expired, budget, validation_failed, already_submitted
 *                   (every line is on Kafka; the batch runs), already_ended
 * @param errorsFile where bad lines were listed, or null when there were none
 * @param resumed    the batch existed already and this run continued it
 * @param validationMillis time of the validation pass (0 when resumed)
 */
public record SubmitResult(String batchId, InputFormat format, long lines, long valid, long invalid, long sentNow,
                           long cursor, String endReason, Path errorsFile, boolean resumed, long validationMillis) {
}
