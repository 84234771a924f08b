package io.llmpipeline.http.internal;

import java.util.Locale;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.llmpipeline.batch.Batches;
import io.llmpipeline.schemas.BatchState;
import io.llmpipeline.schemas.BatchStatus;

/** OpenAI's Batch object from the API's record of a batch and the tracker's state, and the ids of a batch's result files. */
final class BatchFiles {
    /** {@code file-<batch id>-output} / {@code -errors}: derived, so nothing has to remember them. */
    static final Pattern ID = Pattern.compile("file-(batch_[0-9a-f]{32})-(output|errors)");

    private BatchFiles() {
    }

    static String outputId(String batchId) {
        return "file-" + batchId + "-output";
    }

    static String errorsId(String batchId) {
        return "file-" + batchId + "-errors";
    }

    /**
     * @param state   null while the submitter has not yet announced the batch (it is validating)
     * @param invalid the bad lines found by validation, as OpenAI's {@code errors.data} entries
     */
    static ObjectNode render(ObjectNode record, BatchState state, ArrayNode invalid) {
        String id = record.path("id").asText();
        String submitError = record.path("submit_error").asText(null);
        BatchStatus status = submitError != null ? BatchStatus.FAILED : state == null ? BatchStatus.VALIDATING : state.getStatus();
        ObjectNode batch = Json.object()
                .put("id", id)
                .put("object", "batch")
                .put("endpoint", record.path("endpoint").asText())
                .put("input_file_id", record.path("input_file_id").asText())
                .put("completion_window", record.path("completion_window").asText())
                .put("status", status.name().toLowerCase(Locale.ROOT))
                .put("created_at", record.path("created_at").asLong());
        if (submitError != null) {
            ArrayNode data = Json.MAPPER.createArrayNode();
            data.add(Json.object().put("code", "invalid_file").put("message", submitError).putNull("param").putNull("line"));
            batch.set("errors", Json.object().put("object", "list").set("data", data));
        } else if (!invalid.isEmpty()) {
            batch.set("errors", Json.object().put("object", "list").set("data", invalid));
        } else {
            batch.putNull("errors");
        }
        boolean ended = submitError != null || state != null && Batches.isFinished(state.getStatus());
        boolean hasOutput = state != null && ended && state.getCompleted() > 0;
        boolean hasErrors = state != null && ended && state.getCompleted() < state.getTotal() + state.getInvalid();
        batch.put("output_file_id", hasOutput ? outputId(id) : null);
        batch.put("error_file_id", hasErrors ? errorsId(id) : null);
        batch.put("in_progress_at", state != null && status != BatchStatus.VALIDATING && status != BatchStatus.FAILED
                ? seconds(state.getCreatedAtMs()) : null);
        batch.put("expires_at", state == null || state.getExpiresAtMs() == null ? null : seconds(state.getExpiresAtMs()));
        Long finished = state == null || state.getFinishedAtMs() == null ? null : seconds(state.getFinishedAtMs());
        batch.put("finalizing_at", (Long) null);
        batch.put("completed_at", status == BatchStatus.COMPLETED ? finished : null);
        batch.put("failed_at", status == BatchStatus.FAILED
                ? (submitError != null ? Long.valueOf(record.path("failed_at").asLong()) : finished) : null);
        batch.put("expired_at", status == BatchStatus.EXPIRED ? finished : null);
        batch.put("cancelling_at", state == null || state.getCancelRequestedAtMs() == null ? null : seconds(state.getCancelRequestedAtMs()));
        batch.put("cancelled_at", status == BatchStatus.CANCELLED ? finished : null);
        ObjectNode counts = Json.object()
                .put("total", state == null ? 0 : state.getTotal())
                .put("completed", state == null ? 0 : state.getCompleted())
                // OpenAI has no bucket for cancelled or expired requests: they did not complete
                .put("failed", state == null ? 0 : state.getFailed() + state.getCancelled() + state.getExpired());
        batch.set("request_counts", counts);
        JsonNode metadata = record.get("metadata");
        batch.set("metadata", metadata == null ? null : metadata.deepCopy());
        return batch;
    }

    /** A line of the submitter's invalid-lines file as an entry of OpenAI's {@code errors.data}. */
    static ObjectNode invalidLine(String line) {
        JsonNode parsed;
        try {
            parsed = Json.MAPPER.readTree(line);
        } catch (java.io.IOException e) {
            parsed = null;
        }
        JsonNode error = parsed == null ? null : parsed.path("error");
        ObjectNode entry = Json.object().put("code", "invalid_request");
        entry.put("message", error == null || error.isMissingNode() ? line : error.path("message").asText(line));
        entry.putNull("param");
        if (error != null && error.path("line").canConvertToLong()) {
            entry.put("line", error.path("line").asLong());
        } else {
            entry.putNull("line");
        }
        return entry;
    }

    private static long seconds(long epochMillis) {
        return epochMillis / 1000;
    }
}
