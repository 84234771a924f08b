package io.llmpipeline.worker.run;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.llmpipeline.catalog.CostCalculator;
import io.llmpipeline.catalog.ModelConfig;
import io.llmpipeline.catalog.Pricing;
import io.llmpipeline.schemas.AttemptJournalEntry;
import io.llmpipeline.schemas.AttemptSummary;
import io.llmpipeline.schemas.ErrorInfo;
import io.llmpipeline.schemas.ErrorKind;
import io.llmpipeline.schemas.InvocationEvent;
import io.llmpipeline.schemas.InvocationOutcome;
import io.llmpipeline.schemas.LlmAssignment;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.ModelRef;
import io.llmpipeline.schemas.ResultStatus;
import io.llmpipeline.schemas.Usage;
import io.llmpipeline.worker.guard.FailurePolicy;
import io.llmpipeline.schemas.Readmissions;

/**
 * A request's record of what it did: one {@link InvocationEvent} per attempt, the summaries its
 * error lists, the usage and cost it adds up, and at the end its {@link LlmResult}. Every event
 * and every result is built here, each in one place ({@link #event}, {@link #result}).
 */
final class AttemptLog {
    private final LlmAssignment assignment;
    private final LlmRequest request;
    private final String workerId;
    private final Clock clock;
    /** Characters of prompt sent, on every event: the router calibrates estimated tokens per model from it. */
    private final int promptChars;
    /** Cost-attribution labels picked from the request's metadata, on every event. */
    private final Map<String, String> labels;
    private final List<InvocationEvent> events = new ArrayList<>();
    private final List<AttemptSummary> failures = new ArrayList<>();
    private long costMicros;
    private int inTokens;
    private int outTokens;
    private int cachedTokens;
    private int cacheCreationTokens;
    private int discardedPartials;
    /** Numbers continue those of earlier owners' attempts, so event ids stay unique per attempt. */
    private int lastAttempt;

    AttemptLog(LlmAssignment assignment, String workerId, Clock clock, Map<String, String> labels) {
        this.assignment = assignment;
        this.labels = labels;
        this.request = assignment.getRequest();
        this.workerId = workerId;
        this.clock = clock;
        this.promptChars = request.getMessages().stream().mapToInt(m -> m.getContent().length()).sum();
        this.lastAttempt = Readmissions.attemptsBefore(request);
    }

    /** The events recorded so far, the last one final: the request leaves this worker without a result. */
    List<InvocationEvent> closedForReadmission() {
        events.getLast().setFinalAttempt(true);
        return List.copyOf(events);
    }

    int attempts() {
        return events.size();
    }

    /** The number the next call will carry. */
    int nextAttempt() {
        return lastAttempt + 1;
    }

    /**
     * Records a call an earlier owner of the request made and could not record (it died or lost
     * the partition before its result was committed). A call that ended keeps what the provider
     * billed; one cut off in flight is billed as the provider would at worst: the estimated prompt
     * and the whole output cap, marked interrupted.
     *
     * @param model the catalog's model, for its price; null when this catalog no longer has it (billed at 0)
     */
    void earlier(AttemptJournalEntry entry, ModelConfig model) {
        ModelRef ref = new ModelRef(entry.getProvider(), entry.getModel());
        Pricing price = model == null ? Pricing.free() : model.price();
        String who = "worker " + entry.getWorkerId();
        if (entry.getEndedAtMs() == null) {
            Usage worst = new Usage(assignment.getEstimatedInputTokens(), entry.getMaxOutputTokens(), 0, 0);
            record(entry.getAttempt(), ref, price, entry.getStartedAtMs(), InvocationOutcome.INTERRUPTED, ErrorKind.TRANSPORT,
                    "call in flight when " + who + " stopped or lost the request; usage estimated at its worst case", null,
                    worst, true);
        } else if (entry.getErrorKind() == null) {
            record(entry.getAttempt(), ref, price, entry.getStartedAtMs(), InvocationOutcome.INTERRUPTED, null,
                    "answered, but " + who + " stopped or lost the request before its result was committed", 200,
                    entry.getUsage(), true);
        } else {
            record(entry.getAttempt(), ref, price, entry.getStartedAtMs(), InvocationOutcome.FAILURE, entry.getErrorKind(),
                    "failed under " + who + " (recovered from the attempt journal)", null, entry.getUsage(), false);
        }
    }

    void discardedPartial() {
        discardedPartials++;
    }

    /**
     * Records one call.
     *
     * @param usage null when nothing was billed
     */
    void attempt(ModelRef model, Pricing price, long startedAtMs, InvocationOutcome outcome, ErrorKind kind,
                 String message, Integer status, Usage usage, boolean interrupted) {
        record(nextAttempt(), model, price, startedAtMs, outcome, kind, message, status, usage, interrupted);
    }

    private void record(int attempt, ModelRef model, Pricing price, long startedAtMs, InvocationOutcome outcome, ErrorKind kind,
                        String message, Integer status, Usage usage, boolean interrupted) {
        lastAttempt = Math.max(lastAttempt, attempt);
        boolean billed = usage != null;
        Usage u = billed ? usage : new Usage(0, 0, 0, 0);
        long cost = billed ? CostCalculator.costMicros(price, u.getInputTokens(), u.getOutputTokens(),
                u.getCachedInputTokens(), u.getCacheCreationTokens()) : 0;
        if (billed) {
            costMicros += cost;
            inTokens += u.getInputTokens();
            outTokens += u.getOutputTokens();
            cachedTokens += u.getCachedInputTokens();
            cacheCreationTokens += u.getCacheCreationTokens();
        }
        events.add(event(attempt, model, startedAtMs, clock.millis(), outcome)
                .setErrorKind(kind)
                .setErrorMessage(message)
                .setHttpStatus(status)
                .setUsage(u)
                .setCostMicros(cost)
                .setBilled(billed)
                .setInterrupted(interrupted)
                .build());
        if (kind != null) {
            failures.add(new AttemptSummary(attempt, model.getProvider(), model.getModel(), kind, status,
                    message == null ? "" : message));
        }
    }

    RunReport succeeded(ModelRef model, String output, String finishReason) {
        return report(result(ResultStatus.OK)
                .setOutput(output)
                .setFinishReason(finishReason)
                .setProvider(model.getProvider())
                .setModel(model.getModel())
                .build());
    }

    /** @param last the model tried last; null when none was */
    RunReport failed(ErrorKind kind, String message, Integer status, ModelRef last) {
        ErrorInfo error = ErrorInfo.newBuilder()
                .setKind(kind)
                .setMessage(message == null ? kind.name() : message)
                .setProvider(last == null ? null : last.getProvider())
                .setHttpStatus(status)
                .setRetryable(FailurePolicy.retryableForCaller(kind))
                .setAttempts(List.copyOf(failures))
                .build();
        return report(result(ResultStatus.ERROR)
                .setProvider(last == null ? null : last.getProvider())
                .setModel(last == null ? null : last.getModel())
                .setError(error)
                .build());
    }

    private RunReport report(LlmResult result) {
        if (events.isEmpty()) {
            rejected(result.getError());
        }
        events.getLast().setFinalAttempt(true);
        return new RunReport(List.copyOf(events), assignment.getShadow() ? null : result);
    }

    /**
     * A request that ends without any call (deadline already passed, unknown models, a request
     * that cannot be expressed) still gets one event, REJECTED and unbilled, so every request has
     * exactly one final event and its budget reservation is released.
     */
    private void rejected(ErrorInfo error) {
        long now = clock.millis();
        events.add(event(nextAttempt(), assignment.getTarget(), now, now, InvocationOutcome.REJECTED)
                .setErrorKind(error == null ? null : error.getKind())
                .setErrorMessage(error == null ? null : error.getMessage())
                .setUsage(new Usage(0, 0, 0, 0))
                .setBilled(false)
                .build());
    }

    /** The one place an invocation event is begun: what every event of this request carries. */
    private InvocationEvent.Builder event(int attempt, ModelRef model, long startedAtMs, long endedAtMs,
                                          InvocationOutcome outcome) {
        return InvocationEvent.newBuilder()
                .setEventId(request.getRequestId() + "/" + attempt)
                .setRequestId(request.getRequestId())
                .setTenantId(request.getTenantId())
                .setTaskType(request.getTaskType())
                .setCacheKey(assignment.getCacheKey())
                .setAttempt(attempt)
                .setProvider(model.getProvider())
                .setModel(model.getModel())
                .setStartedAtMs(startedAtMs)
                .setEndedAtMs(endedAtMs)
                .setOutcome(outcome)
                .setEstimatedInputTokens(assignment.getEstimatedInputTokens())
                .setPromptChars(promptChars)
                .setReservedMicros(assignment.getEstimatedCostMicros())
                .setBudgetHolds(assignment.getBudgetHolds())
                .setAdmittedAtMs(assignment.getAdmittedAtMs())
                .setShadow(assignment.getShadow())
                .setFinalAttempt(false)
                .setWorkerId(workerId)
                .setLabels(labels);
    }

    /** The one place a result is begun: what every result of this request carries. */
    private LlmResult.Builder result(ResultStatus status) {
        Map<String, String> metadata = new HashMap<>(request.getMetadata());
        metadata.put(RequestRun.WORKER_ID, workerId);
        if (discardedPartials > 0) {
            metadata.put(RequestRun.DISCARDED_PARTIALS, Integer.toString(discardedPartials));
        }
        long now = clock.millis();
        long from = request.getSubmittedAtMs() > 0 ? request.getSubmittedAtMs() : assignment.getAssignedAtMs();
        return LlmResult.newBuilder()
                .setRequestId(request.getRequestId())
                .setTenantId(request.getTenantId())
                .setTaskType(request.getTaskType())
                .setPriority(request.getPriority())
                .setCacheKey(assignment.getCacheKey())
                .setStatus(status)
                .setUsage(new Usage(inTokens, outTokens, cachedTokens, cacheCreationTokens))
                .setCostMicros(costMicros)
                .setLatencyMs(Math.max(0, now - from))
                .setAttempts(events.size())
                .setMetadata(metadata)
                .setCompletedAtMs(now);
    }
}
