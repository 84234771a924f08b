package io.llmpipeline.batch;

import java.time.Duration;

import io.llmpipeline.schemas.Priority;

/**
 * How a batch file is submitted.
 *
 * @param tenant           who pays (budgets are per tenant)
 * @param taskType         null: each line's model is a pin (routed by task type {@value #PINNED_TASK_TYPE});
 *                         otherwise the route of this task type chooses and the lines' models are ignored
 * @param priority         band of every request (default BULK, so interactive traffic keeps its latency)
 * @param skipInvalid      run the good lines when some are bad (default: the batch fails validation)
 * @param completionWindow what is not done by then ends as expired; it is every request's deadline
 * @param maxCostMicros    per-batch budget, or null
 * @param maxOutstanding   requests sent and not yet counted by the tracker at once: keeps the router's
 *                         queues short so other traffic is not stuck behind the batch
 * @param batchId          null: derived from the file's content and these options, so running the same
 *                         command again resumes the same batch
 * @param errorsFile       where bad lines are listed at submission (null: {@code <input>.errors.jsonl})
 * @param abortAfterLines  fault injection for crash tests and benchmarks: after sending this many lines the
 *                         submitter drops its unsent records and stops as a killed process would; 0 = never
 */
public record SubmitOptions(String tenant, String taskType, Priority priority, boolean skipInvalid,
                            Duration completionWindow, Long maxCostMicros, int maxOutstanding, String batchId,
                            java.nio.file.Path errorsFile, long abortAfterLines) {
    /** Task type of pinned batch requests: no route decides, the line's model answers. */
    public static final String PINNED_TASK_TYPE = "batch";

    public SubmitOptions {
        if (tenant == null || tenant.isBlank()) {
            throw new IllegalArgumentException("tenant is required");
        }
        priority = priority == null ? Priority.BULK : priority;
        completionWindow = completionWindow == null ? Duration.ofHours(24) : completionWindow;
        if (completionWindow.isNegative() || completionWindow.isZero()) {
            throw new IllegalArgumentException("completion window must be positive, not " + completionWindow);
        }
        if (maxCostMicros != null && maxCostMicros <= 0) {
            throw new IllegalArgumentException("max cost must be positive");
        }
        if (maxOutstanding < 1) {
            throw new IllegalArgumentException("max outstanding must be at least 1");
        }
    }

    public static SubmitOptions forTenant(String tenant) {
        return new SubmitOptions(tenant, null, null, false, null, null, 2_000, null, null, 0);
    }

    public SubmitOptions withTenant(String t) {
        return new SubmitOptions(t, taskType, priority, skipInvalid, completionWindow, maxCostMicros, maxOutstanding, batchId, errorsFile, abortAfterLines);
    }

    public SubmitOptions withTaskType(String type) {
        return new SubmitOptions(tenant, type, priority, skipInvalid, completionWindow, maxCostMicros, maxOutstanding, batchId, errorsFile, abortAfterLines);
    }

    public SubmitOptions withPriority(Priority p) {
        return new SubmitOptions(tenant, taskType, p, skipInvalid, completionWindow, maxCostMicros, maxOutstanding, batchId, errorsFile, abortAfterLines);
    }

    public SubmitOptions withSkipInvalid(boolean skip) {
        return new SubmitOptions(tenant, taskType, priority, skip, completionWindow, maxCostMicros, maxOutstanding, batchId, errorsFile, abortAfterLines);
    }

    public SubmitOptions withCompletionWindow(Duration window) {
        return new SubmitOptions(tenant, taskType, priority, skipInvalid, window, maxCostMicros, maxOutstanding, batchId, errorsFile, abortAfterLines);
    }

    public SubmitOptions withMaxCostMicros(Long micros) {
        return new SubmitOptions(tenant, taskType, priority, skipInvalid, completionWindow, micros, maxOutstanding, batchId, errorsFile, abortAfterLines);
    }

    public SubmitOptions withMaxOutstanding(int n) {
        return new SubmitOptions(tenant, taskType, priority, skipInvalid, completionWindow, maxCostMicros, n, batchId, errorsFile, abortAfterLines);
    }

    public SubmitOptions withBatchId(String id) {
        return new SubmitOptions(tenant, taskType, priority, skipInvalid, completionWindow, maxCostMicros, maxOutstanding, id, errorsFile, abortAfterLines);
    }

    public SubmitOptions withErrorsFile(java.nio.file.Path file) {
        return new SubmitOptions(tenant, taskType, priority, skipInvalid, completionWindow, maxCostMicros, maxOutstanding, batchId, file, abortAfterLines);
    }

    public SubmitOptions withAbortAfterLines(long lines) {
        return new SubmitOptions(tenant, taskType, priority, skipInvalid, completionWindow, maxCostMicros, maxOutstanding, batchId, errorsFile, lines);
    }

    public String effectiveTaskType() {
        return taskType == null ? PINNED_TASK_TYPE : taskType;
    }
}
