package io.llmpipeline.http.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.llmpipeline.batch.BatchResults;
import io.llmpipeline.batch.Batches;
import io.llmpipeline.batch.SubmitOptions;
import io.llmpipeline.batch.SubmitResult;
import io.llmpipeline.schemas.BatchState;

/**
 * OpenAI's Batch API over the pipeline's batch jobs. The API keeps its own record of each batch
 * (input file, endpoint, window, metadata) in the tenant's directory, so the tenant check is the
 * same as for files; the batch's progress is the tracker's state from {@code llm.batches}. A
 * batch's output and error files are assembled once, the first time either is asked for after
 * the batch ended, and then served like uploads.
 */
final class OpenAiBatches implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OpenAiBatches.class);
    private static final Pattern WINDOW = Pattern.compile("(\\d{1,6})([hms])");
    private static final int MAX_LISTED_ERRORS = 100;

    private final Batches batches;
    private final FileStore files;
    private final ExecutorService submitters = Executors.newVirtualThreadPerTaskExecutor();

    OpenAiBatches(Batches batches, FileStore files) {
        this.batches = batches;
        this.files = files;
    }

    ObjectNode create(String tenant, ObjectNode body) {
        String inputFileId = Json.requiredText(body, "input_file_id");
        String endpoint = Json.requiredText(body, "endpoint");
        if (!endpoint.equals(ApiHandler.CHAT)) {
            throw ApiError.invalid("endpoint", "endpoint '" + endpoint + "' is not supported; batches run " + ApiHandler.CHAT);
        }
        String window = Json.requiredText(body, "completion_window");
        Duration duration = window(window);
        ObjectNode file = files.find(tenant, inputFileId).orElseThrow(() ->
                ApiError.invalid("input_file_id", "no file '" + inputFileId + "'"));
        if (!"batch".equals(file.path("purpose").asText())) {
            throw ApiError.invalid("input_file_id", "file '" + inputFileId + "' was not uploaded with purpose 'batch'");
        }
        JsonNode metadata = body.get("metadata");
        if (metadata != null && !metadata.isNull() && !metadata.isObject()) {
            throw ApiError.invalid("metadata", "'metadata' must be an object of strings");
        }
        String id = "batch_" + UUID.randomUUID().toString().replace("-", "");
        ObjectNode record = Json.object()
                .put("id", id)
                .put("input_file_id", inputFileId)
                .put("endpoint", endpoint)
                .put("completion_window", window)
                .put("created_at", System.currentTimeMillis() / 1000);
        record.set("metadata", metadata == null ? null : metadata.deepCopy());
        Path recordPath = recordPath(tenant, id);
        FileStore.writeJson(recordPath, record);
        Path input = files.contentPath(tenant, inputFileId);
        SubmitOptions options = SubmitOptions.forTenant(tenant).withBatchId(id).withCompletionWindow(duration)
                .withErrorsFile(invalidLinesPath(tenant, id));
        // validation reads the whole file: the call answers at once, the batch shows 'validating' meanwhile
        submitters.execute(() -> submit(input, options, record, recordPath));
        return render(tenant, record);
    }

    private void submit(Path input, SubmitOptions options, ObjectNode record, Path recordPath) {
        try {
            SubmitResult result = batches.submit(input, options);
            LOG.info("batch {} submitted: {} valid lines, {} invalid, ended: {}", result.batchId(), result.valid(),
                    result.invalid(), result.endReason());
        } catch (RuntimeException e) {
            LOG.warn("batch {} could not be submitted", options.batchId(), e);
            ObjectNode failed = record.deepCopy();
            failed.put("submit_error", e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            failed.put("failed_at", System.currentTimeMillis() / 1000);
            FileStore.writeJson(recordPath, failed);
        }
    }

    ObjectNode get(String tenant, String id) {
        return render(tenant, record(tenant, id));
    }

    ObjectNode cancel(String tenant, String id) {
        ObjectNode record = record(tenant, id);
        Optional<BatchState> state = batches.status(id);
        if (record.has("submit_error") || state.map(s -> Batches.isFinished(s.getStatus())).orElse(false)) {
            throw new ApiError(409, "invalid_request_error", "batch_not_cancellable", null, null, false,
                    "batch '" + id + "' has already ended");
        }
        if (state.isEmpty()) {
            throw new ApiError(409, "invalid_request_error", "batch_not_ready", null, null, true,
                    "batch '" + id + "' is still being created; retry in a moment");
        }
        batches.cancel(id);
        ObjectNode answer = render(tenant, record);
        if (!answer.path("status").asText().startsWith("cancel")) {
            answer.put("status", "cancelling"); // the tracker publishes it a moment later
        }
        return answer;
    }

    /** OpenAI's cursor list: newest first, {@code after} is the last id of the previous page. */
    ObjectNode list(String tenant, Integer limit, String after) {
        int pageSize = limit == null ? 20 : limit;
        if (pageSize < 1 || pageSize > 100) {
            throw ApiError.invalid("limit", "'limit' must be between 1 and 100");
        }
        List<ObjectNode> records = new ArrayList<>();
        try (Stream<Path> paths = Files.list(files.tenantDir(tenant).resolve("batches"))) {
            paths.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .forEach(p -> FileStore.readJson(p).ifPresent(records::add));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the batches of the tenant", e);
        }
        records.sort(Comparator.comparingLong((ObjectNode r) -> r.path("created_at").asLong()).reversed()
                .thenComparing(r -> r.path("id").asText()));
        int start = 0;
        if (after != null && !after.isBlank()) {
            start = -1;
            for (int i = 0; i < records.size(); i++) {
                if (records.get(i).path("id").asText().equals(after)) {
                    start = i + 1;
                }
            }
            if (start < 0) {
                throw ApiError.invalid("after", "no batch '" + after + "'");
            }
        }
        List<ObjectNode> page = records.subList(Math.min(start, records.size()), Math.min(start + pageSize, records.size()));
        ArrayNode data = Json.MAPPER.createArrayNode();
        page.forEach(r -> data.add(render(tenant, r)));
        ObjectNode list = Json.object().put("object", "list");
        list.set("data", data);
        list.put("first_id", page.isEmpty() ? null : page.getFirst().path("id").asText());
        list.put("last_id", page.isEmpty() ? null : page.getLast().path("id").asText());
        list.put("has_more", start + page.size() < records.size());
        return list;
    }

    /**
     * A File object of the tenant: an upload, or a batch's output or error file (assembled on the
     * first request once the batch has ended).
     */
    Optional<ObjectNode> file(String tenant, String fileId) {
        Optional<ObjectNode> stored = files.find(tenant, fileId);
        if (stored.isPresent()) {
            return stored;
        }
        Matcher generated = BatchFiles.ID.matcher(fileId);
        if (!generated.matches()) {
            return Optional.empty();
        }
        String batchId = generated.group(1);
        if (!Files.isRegularFile(recordPath(tenant, batchId))) {
            return Optional.empty();
        }
        Optional<BatchState> state = batches.status(batchId);
        if (state.isEmpty() || !Batches.isFinished(state.get().getStatus())) {
            return Optional.empty();
        }
        assemble(tenant, batchId, state.get());
        return files.find(tenant, fileId);
    }

    private synchronized void assemble(String tenant, String batchId, BatchState state) {
        if (files.find(tenant, BatchFiles.outputId(batchId)).isPresent()) {
            return;
        }
        ObjectNode record = record(tenant, batchId);
        Path output = files.contentPath(tenant, BatchFiles.outputId(batchId));
        Path errors = files.contentPath(tenant, BatchFiles.errorsId(batchId));
        Path outputPart = output.resolveSibling(output.getFileName() + ".part");
        Path errorsPart = errors.resolveSibling(errors.getFileName() + ".part");
        Path input = files.contentPath(tenant, record.path("input_file_id").asText());
        BatchResults.Summary summary = batches.results(batchId, outputPart, errorsPart, input);
        try {
            for (Path part : List.of(outputPart, errorsPart)) {
                if (!Files.exists(part)) {
                    Files.createFile(part);
                }
            }
            Files.move(errorsPart, errors, StandardCopyOption.REPLACE_EXISTING);
            Files.move(outputPart, output, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the results of batch " + batchId, e);
        }
        files.describe(tenant, BatchFiles.errorsId(batchId), batchId + "_error.jsonl", "batch_output");
        files.describe(tenant, BatchFiles.outputId(batchId), batchId + "_output.jsonl", "batch_output");
        LOG.info("batch {} results assembled: {} output lines, {} error lines, complete: {}", batchId,
                summary.output(), summary.errors(), summary.complete());
    }

    Path content(String tenant, String fileId) {
        file(tenant, fileId).orElseThrow(() -> ApiError.notFound("no file '" + fileId + "'"));
        return files.contentPath(tenant, fileId);
    }

    private ObjectNode record(String tenant, String id) {
        if (!FileStore.validId(id)) {
            throw ApiError.notFound("no batch '" + id + "'");
        }
        return FileStore.readJson(recordPath(tenant, id)).orElseThrow(() -> ApiError.notFound("no batch '" + id + "'"));
    }

    private ObjectNode render(String tenant, ObjectNode record) {
        String id = record.path("id").asText();
        return BatchFiles.render(record, batches.status(id).orElse(null), invalidLines(tenant, id));
    }

    private ArrayNode invalidLines(String tenant, String id) {
        ArrayNode data = Json.MAPPER.createArrayNode();
        Path path = invalidLinesPath(tenant, id);
        if (!Files.isRegularFile(path)) {
            return data;
        }
        try (Stream<String> lines = Files.lines(path)) {
            lines.filter(l -> !l.isBlank()).limit(MAX_LISTED_ERRORS).forEach(l -> data.add(BatchFiles.invalidLine(l)));
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("cannot read the invalid lines of batch {}: {}", id, e.getMessage());
        }
        return data;
    }

    private Path recordPath(String tenant, String id) {
        return files.tenantDir(tenant).resolve("batches").resolve(id + ".json");
    }

    private Path invalidLinesPath(String tenant, String id) {
        return files.tenantDir(tenant).resolve("batches").resolve(id + ".invalid");
    }

    private static Duration window(String window) {
        Matcher m = WINDOW.matcher(window.toLowerCase(Locale.ROOT));
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw ApiError.invalid("completion_window", "'completion_window' must be a positive duration like '24h', not '" + window + "'");
        }
        long amount = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "h" -> Duration.ofHours(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofSeconds(amount);
        };
    }

    @Override
    public void close() {
        submitters.shutdownNow();
    }
}
