package io.llmpipeline.worker.dispatch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.llmpipeline.catalog.CostCalculator;
import io.llmpipeline.catalog.CostLabels;
import io.llmpipeline.catalog.ModelConfig;
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
import io.llmpipeline.worker.guard.ModelGuard;
import io.llmpipeline.worker.guard.TransientErrorClassifier;
import io.llmpipeline.worker.guard.TransientErrorClassifier.Disposition;
import io.llmpipeline.worker.guard.TransientErrorClassifier.Verdict;
import io.llmpipeline.worker.provider.AttemptOutcome;
import io.llmpipeline.worker.provider.AttemptOutcome.Answered;
import io.llmpipeline.worker.provider.AttemptOutcome.Failed;
import io.llmpipeline.worker.provider.HttpCall;
import io.llmpipeline.worker.provider.ProviderCall;
import io.llmpipeline.worker.provider.RawResponse;

/**
 * One request, from its assignment to its report: picks the first usable candidate (target, then
 * the fallback chain), passes its rate limits, bulkhead and breaker, calls it, and on failure
 * retries, fails over or waits for a candidate to recover, all within the request's deadline.
 * Every step is a callback or a scheduled task; a waiting request holds no thread. Steps of one
 * run never overlap, so its state needs no locks.
 *
 * <p>Streams: when a stream breaks after part of the answer arrived, the partial answer is
 * discarded (never spliced with another attempt's), the attempt is recorded as INTERRUPTED and
 * billed, and the request starts over as for any transient failure; the result's metadata
 * counts the discarded attempts ({@value #DISCARDED_PARTIALS}).
 */
public final class RequestRun {
    public static final String DISCARDED_PARTIALS = "worker.discarded_partial_attempts";
    public static final String WORKER_ID = "worker.id";
    /** The smallest pause before looking again at a model that refused a call. */
    static final long MIN_RECHECK_MS = 50;

    private enum State { ACTIVE, EXHAUSTED, UNFIT }

    private static final class Candidate {
        final ModelRef ref;
        final ModelConfig model;
        final ModelGuard guard;
        final ProviderEndpoint endpoint;
        State state = State.ACTIVE;
        int failures;
        int malformed;

        Candidate(ModelRef ref, ModelConfig model, ModelGuard guard, ProviderEndpoint endpoint) {
            this.ref = ref;
            this.model = model;
            this.guard = guard;
            this.endpoint = endpoint;
        }
    }

    private final LlmAssignment assignment;
    private final LlmRequest request;
    private final RunContext ctx;
    private final long deadlineMs;
    private final List<Candidate> candidates = new ArrayList<>();
    private final List<String> unknownModels = new ArrayList<>();
    private final List<InvocationEvent> events = new ArrayList<>();
    private final List<AttemptSummary> attempts = new ArrayList<>();
    private final CompletableFuture<RunReport> done = new CompletableFuture<>();
    /** Characters of prompt sent, on every event: the router calibrates estimated tokens per model from it. */
    private final int promptChars;
    private volatile boolean cancelled;
    private int rounds;
    private int discardedPartials;
    private boolean truncationRedispatched;
    private long costMicros;
    private int inTokens;
    private int outTokens;
    private int cachedTokens;
    private int cacheCreationTokens;
    private Failed lastFailure;
    private Candidate lastTried;

    public RequestRun(LlmAssignment assignment, RunContext ctx) {
        this.assignment = assignment;
        this.request = assignment.getRequest();
        this.ctx = ctx;
        this.deadlineMs = deadline(request, ctx);
        this.promptChars = request.getMessages().stream().mapToInt(m -> m.getContent().length()).sum();
        Set<String> seen = new LinkedHashSet<>();
        List<ModelRef> chain = new ArrayList<>();
        chain.add(assignment.getTarget());
        chain.addAll(assignment.getFallbackChain());
        for (ModelRef ref : chain) {
            if (!seen.add(ref.getModel())) {
                continue;
            }
            ModelConfig model = ctx.catalog().config().models().get(ref.getModel());
            ModelGuard guard = ctx.guards().forModel(ref.getModel()).orElse(null);
            ProviderEndpoint endpoint = model == null ? null : ctx.endpoints().get(model.provider());
            if (model == null || guard == null || endpoint == null) {
                unknownModels.add(ref.getProvider() + "/" + ref.getModel());
            } else {
                candidates.add(new Candidate(new ModelRef(model.provider(), ref.getModel()), model, guard, endpoint));
            }
        }
    }

    private static long deadline(LlmRequest request, RunContext ctx) {
        if (request.getDeadlineEpochMs() != null) {
            return request.getDeadlineEpochMs();
        }
        long from = request.getSubmittedAtMs() > 0 ? request.getSubmittedAtMs() : ctx.clock().millis();
        return from + ctx.catalog().config().worker().defaultDeadlineMs();
    }

    /** Starts the run; the future completes with the report, or is cancelled by {@link #cancel()}. */
    public CompletableFuture<RunReport> start() {
        if (candidates.isEmpty()) {
            fail(ErrorKind.UNAVAILABLE, "no model of the assignment is in this worker's catalog: " + unknownModels, null);
        } else {
            step();
        }
        return done;
    }

    /**
     * Ends the run at once with this error and no provider call (its batch was cancelled): one
     * REJECTED unbilled event releases its budget reservation, as for any request that never ran.
     */
    public CompletableFuture<RunReport> refuse(ErrorKind kind, String message) {
        fail(kind, message, null);
        return done;
    }

    /** Abandons the run (its partition moved to another worker): nothing more is sent or reported. */
    public void cancel() {
        cancelled = true;
        done.cancel(false);
    }

    public LlmAssignment assignment() {
        return assignment;
    }

    private long now() {
        return ctx.clock().millis();
    }

    private void step() {
        if (cancelled || done.isDone()) {
            return;
        }
        long now = now();
        if (now >= deadlineMs) {
            fail(ErrorKind.DEADLINE_EXCEEDED, deadlineMessage(), null);
            return;
        }
        Candidate pick = null;
        long earliest = Long.MAX_VALUE;
        boolean anyActive = false;
        for (Candidate c : candidates) {
            if (c.state != State.ACTIVE) {
                continue;
            }
            anyActive = true;
            long at = c.guard.availableAtMs();
            if (at <= now) {
                pick = c;
                break;
            }
            earliest = Math.min(earliest, at);
        }
        if (pick != null) {
            if (lastTried != null && lastTried != pick) {
                ctx.metrics().failedOver();
            }
            reserve(pick);
            return;
        }
        if (anyActive) {
            later(earliest - now);
            return;
        }
        if (candidates.stream().allMatch(c -> c.state == State.UNFIT)) {
            Failed last = lastFailure;
            fail(ErrorKind.CONTEXT_OVERFLOW, "no candidate can take this prompt"
                    + (last == null ? "" : "; last: " + last.message()), last == null ? null : last.httpStatus());
            return;
        }
        // Every candidate used up its attempts: wait, then go round again from the first one.
        rounds++;
        for (Candidate c : candidates) {
            if (c.state == State.EXHAUSTED) {
                c.state = State.ACTIVE;
                c.failures = 0;
                c.malformed = 0;
            }
        }
        Candidate first = candidates.stream().filter(c -> c.state == State.ACTIVE).findFirst().orElseThrow();
        later(first.guard.retry().delay(rounds, null).toMillis());
    }

    /** Runs {@link #step()} after {@code delayMs}, never past the deadline. */
    private void later(long delayMs) {
        long wait = Math.max(0, Math.min(delayMs, deadlineMs - now()));
        ctx.scheduler().schedule(this::safeStep, wait, TimeUnit.MILLISECONDS);
    }

    private void safeStep() {
        try {
            step();
        } catch (RuntimeException e) {
            fail(ErrorKind.INTERNAL, "worker error: " + e, null);
        }
    }

    private int maxTokens(Candidate c) {
        Integer asked = request.getParams().getMaxTokens();
        int max = c.model.maxOutputTokens();
        return asked == null ? max : Math.min(asked, max);
    }

    private void reserve(Candidate c) {
        int tokens = assignment.getEstimatedInputTokens() + maxTokens(c);
        long at = c.guard.reserve(tokens, deadlineMs);
        long now = now();
        if (at < 0) {
            ctx.metrics().rateLimitWait(c.guard, deadlineMs - now);
            fail(ErrorKind.DEADLINE_EXCEEDED, "the rate limit of " + c.ref.getProvider() + "/" + c.ref.getModel()
                    + " would start the call after the deadline; " + deadlineMessage(), null);
            return;
        }
        if (at > now) {
            ctx.metrics().rateLimitWait(c.guard, at - now);
            ctx.scheduler().schedule(() -> guarded(() -> admit(c)), at - now, TimeUnit.MILLISECONDS);
        } else {
            admit(c);
        }
    }

    /** Takes the trial and bulkhead permits, waiting (without a thread) at most until the deadline. */
    private void admit(Candidate c) {
        AtomicBoolean settled = new AtomicBoolean();
        AtomicReference<ScheduledFuture<?>> deadline = new AtomicReference<>();
        c.guard.acquireBulkheads(() -> {
            if (!settled.compareAndSet(false, true)) {
                c.guard.releaseBulkheads(); // the request already failed at its deadline
                return;
            }
            ScheduledFuture<?> timer = deadline.get();
            if (timer != null) {
                timer.cancel(false);
            }
            withPermits(c);
        });
        if (!settled.get()) {
            // queued: make sure the wait ends at the deadline
            deadline.set(ctx.scheduler().schedule(() -> {
                if (settled.compareAndSet(false, true)) {
                    guarded(() -> fail(ErrorKind.DEADLINE_EXCEEDED, "still waiting for a free call slot of "
                            + c.ref.getProvider() + "/" + c.ref.getModel() + " (bulkhead or trial calls); "
                            + deadlineMessage(), null));
                }
            }, Math.max(0, deadlineMs - now()), TimeUnit.MILLISECONDS));
        }
    }

    private void guarded(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            fail(ErrorKind.INTERNAL, "worker error: " + e, null);
        }
    }

    private void withPermits(Candidate c) {
        if (cancelled || done.isDone() || now() >= deadlineMs) {
            c.guard.releaseBulkheads();
            safeStep();
            return;
        }
        if (!c.guard.tryAcquireCall()) {
            c.guard.releaseBulkheads();
            later(Math.max(MIN_RECHECK_MS, c.guard.availableAtMs() - now()));
            return;
        }
        send(c);
    }

    private void send(Candidate c) {
        ProviderCall call = new ProviderCall(c.ref.getProvider(), c.endpoint.config(), c.ref.getModel(), c.model,
                request.getMessages(), request.getParams(), maxTokens(c), request.getPassthroughJson(),
                request.getParams().getStream(), assignment.getEstimatedInputTokens());
        HttpCall http;
        try {
            http = c.endpoint.adapter().request(call);
        } catch (IllegalArgumentException e) {
            c.guard.released();
            c.guard.releaseBulkheads();
            fail(ErrorKind.INVALID_REQUEST, e.getMessage(), null);
            return;
        }
        lastTried = c;
        long startedAt = now();
        long startNanos = System.nanoTime();
        long timeout = Math.min(c.endpoint.config().http().responseTimeoutMs(), deadlineMs - startedAt);
        ctx.metrics().callStarted(c.guard);
        c.endpoint.transport().send(http, Duration.ofMillis(Math.max(1, timeout)))
                .whenComplete((response, error) -> guarded(() -> answered(c, call, startedAt, startNanos, response, error)));
    }

    private void answered(Candidate c, ProviderCall call, long startedAt, long startNanos, RawResponse response,
                          Throwable error) {
        c.guard.releaseBulkheads();
        long nanos = System.nanoTime() - startNanos;
        AttemptOutcome outcome = error != null ? transportFailure(error) : c.endpoint.adapter().outcome(response, call);
        ctx.metrics().callEnded(c.guard, outcome instanceof Failed f ? f.kind().name() : null, nanos);
        if (cancelled) {
            c.guard.released();
            return;
        }
        switch (outcome) {
            case Answered a -> onAnswer(c, call, a, startedAt, nanos);
            case Failed f -> onFailure(c, f, startedAt, nanos);
        }
    }

    private static Failed transportFailure(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        boolean timeout = cause instanceof java.util.concurrent.TimeoutException
                || cause instanceof java.net.SocketTimeoutException
                || cause.getClass().getSimpleName().contains("Timeout");
        String message = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        return Failed.of(timeout ? ErrorKind.TIMEOUT : ErrorKind.TRANSPORT, null, message);
    }

    private void onAnswer(Candidate c, ProviderCall call, Answered a, long startedAt, long nanos) {
        c.guard.succeeded(nanos);
        int threshold = c.model.contextWindow() - call.maxTokens();
        if (a.usage().getInputTokens() >= threshold) {
            // The provider read at least as many prompt tokens as fit: it probably cut the prompt (Ollama does so silently).
            String why = "suspected truncation: " + c.ref.getModel() + " reported " + a.usage().getInputTokens()
                    + " prompt tokens, at or above its context window " + c.model.contextWindow()
                    + " minus the output reserve " + call.maxTokens();
            record(c, startedAt, InvocationOutcome.INTERRUPTED, ErrorKind.CONTEXT_OVERFLOW, why, 200, a.usage(), true);
            lastFailure = Failed.of(ErrorKind.CONTEXT_OVERFLOW, 200, why);
            c.state = State.UNFIT;
            boolean fallbackLeft = candidates.stream().anyMatch(o -> o.state == State.ACTIVE);
            if (truncationRedispatched || !fallbackLeft) {
                fail(ErrorKind.CONTEXT_OVERFLOW, why + (fallbackLeft ? "; already re-dispatched once" : "; no fallback left"), null);
            } else {
                truncationRedispatched = true;
                step();
            }
            return;
        }
        record(c, startedAt, InvocationOutcome.SUCCESS, null, null, 200, a.usage(), false);
        succeed(c, a);
    }

    private void onFailure(Candidate c, Failed f, long startedAt, long nanos) {
        Verdict verdict = TransientErrorClassifier.classify(f.kind(), f.httpStatus());
        if (verdict.providerFault()) {
            c.guard.failed(nanos, new ProviderFault(f.kind(), f.httpStatus()));
        } else {
            c.guard.released();
        }
        InvocationOutcome outcome = f.partial() ? InvocationOutcome.INTERRUPTED : InvocationOutcome.FAILURE;
        record(c, startedAt, outcome, f.kind(), f.message(), f.httpStatus(), f.usage(), f.partial());
        lastFailure = f;
        switch (verdict.disposition()) {
            case FAIL_REQUEST -> fail(f.kind(), f.message(), f.httpStatus());
            case NEXT_CANDIDATE -> {
                c.state = State.UNFIT;
                step();
            }
            case FAILOVER -> {
                c.guard.coolDown(Duration.ofMillis(c.guard.config().cooldownMs()), f.kind() + ": " + f.message());
                c.state = State.EXHAUSTED;
                step();
            }
            case RETRY -> retry(c, f);
        }
    }

    private void retry(Candidate c, Failed f) {
        if (f.partial()) {
            discardedPartials++;
        }
        if (f.kind() == ErrorKind.MALFORMED_RESPONSE && ++c.malformed > 1) {
            // an unreadable 200 is retried once; twice in a row says the model is broken
            c.state = State.EXHAUSTED;
            step();
            return;
        }
        c.failures++;
        if (f.retryAfter() != null) {
            c.guard.coolDown(f.retryAfter(), "Retry-After " + f.retryAfter().toMillis() + " ms");
        }
        if (c.failures >= c.guard.config().maxAttempts()) {
            c.state = State.EXHAUSTED;
            step();
            return;
        }
        long now = now();
        if (c.guard.availableAtMs() > now && candidates.stream()
                .anyMatch(o -> o != c && o.state == State.ACTIVE && o.guard.availableAtMs() <= now)) {
            // the failure opened the breaker (or a cooldown): go to a fallback now instead of backing off first
            step();
            return;
        }
        ctx.metrics().retried();
        later(c.guard.retry().delay(c.failures, f.retryAfter()).toMillis());
    }

    private void record(Candidate c, long startedAt, InvocationOutcome outcome, ErrorKind kind, String message,
                        Integer status, Usage usage, boolean interrupted) {
        boolean billed = usage != null;
        Usage u = billed ? usage : new Usage(0, 0, 0, 0);
        long cost = billed ? CostCalculator.costMicros(c.model.price(), u.getInputTokens(), u.getOutputTokens(),
                u.getCachedInputTokens(), u.getCacheCreationTokens()) : 0;
        if (billed) {
            costMicros += cost;
            inTokens += u.getInputTokens();
            outTokens += u.getOutputTokens();
            cachedTokens += u.getCachedInputTokens();
            cacheCreationTokens += u.getCacheCreationTokens();
        }
        int attempt = events.size() + 1;
        events.add(InvocationEvent.newBuilder()
                .setEventId(request.getRequestId() + "/" + attempt)
                .setRequestId(request.getRequestId())
                .setTenantId(request.getTenantId())
                .setTaskType(request.getTaskType())
                .setCacheKey(assignment.getCacheKey())
                .setAttempt(attempt)
                .setProvider(c.ref.getProvider())
                .setModel(c.ref.getModel())
                .setStartedAtMs(startedAt)
                .setEndedAtMs(now())
                .setOutcome(outcome)
                .setErrorKind(kind)
                .setErrorMessage(message)
                .setHttpStatus(status)
                .setEstimatedInputTokens(assignment.getEstimatedInputTokens())
                .setPromptChars(promptChars)
                .setUsage(u)
                .setCostMicros(cost)
                .setReservedMicros(assignment.getEstimatedCostMicros())
                .setBilled(billed)
                .setInterrupted(interrupted)
                .setShadow(assignment.getShadow())
                .setFinalAttempt(false)
                .setWorkerId(ctx.workerId())
                .setLabels(CostLabels.select(ctx.catalog(), request.getMetadata()))
                .build());
        if (kind != null) {
            attempts.add(new AttemptSummary(attempt, c.ref.getProvider(), c.ref.getModel(), kind, status,
                    message == null ? "" : message));
        }
    }

    private void succeed(Candidate c, Answered a) {
        finish(base(ResultStatus.OK)
                .setOutput(a.text())
                .setFinishReason(a.finishReason())
                .setProvider(c.ref.getProvider())
                .setModel(c.ref.getModel())
                .build(), true);
    }

    private void fail(ErrorKind kind, String message, Integer status) {
        Candidate last = lastTried;
        ErrorInfo error = ErrorInfo.newBuilder()
                .setKind(kind)
                .setMessage(message == null ? kind.name() : message)
                .setProvider(last == null ? null : last.ref.getProvider())
                .setHttpStatus(status)
                .setRetryable(isRetryable(kind))
                .setAttempts(List.copyOf(attempts))
                .build();
        finish(base(ResultStatus.ERROR)
                .setProvider(last == null ? null : last.ref.getProvider())
                .setModel(last == null ? null : last.ref.getModel())
                .setError(error)
                .build(), false);
    }

    private static boolean isRetryable(ErrorKind kind) {
        return switch (kind) {
            case DEADLINE_EXCEEDED, UNAVAILABLE, RATE_LIMITED, PROVIDER_OVERLOADED, PROVIDER_ERROR, TRANSPORT, TIMEOUT,
                 MALFORMED_RESPONSE, STREAM_INTERRUPTED -> true;
            default -> false;
        };
    }

    private LlmResult.Builder base(ResultStatus status) {
        Map<String, String> metadata = new HashMap<>(request.getMetadata());
        metadata.put(WORKER_ID, ctx.workerId());
        if (discardedPartials > 0) {
            metadata.put(DISCARDED_PARTIALS, Integer.toString(discardedPartials));
        }
        long now = now();
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

    private void finish(LlmResult result, boolean ok) {
        if (cancelled || done.isDone()) {
            return;
        }
        if (events.isEmpty()) {
            rejected(result);
        }
        events.getLast().setFinalAttempt(true);
        done.complete(new RunReport(List.copyOf(events), assignment.getShadow() ? null : result));
    }

    /**
     * A request that ends without any call (deadline already passed, unknown models, a request
     * that cannot be expressed) still gets one event, REJECTED and unbilled, so every request has
     * exactly one final event and its budget reservation is released.
     */
    private void rejected(LlmResult result) {
        ErrorInfo error = result.getError();
        ModelRef target = assignment.getTarget();
        long now = now();
        events.add(InvocationEvent.newBuilder()
                .setEventId(request.getRequestId() + "/1")
                .setRequestId(request.getRequestId())
                .setTenantId(request.getTenantId())
                .setTaskType(request.getTaskType())
                .setCacheKey(assignment.getCacheKey())
                .setAttempt(1)
                .setProvider(target.getProvider())
                .setModel(target.getModel())
                .setStartedAtMs(now)
                .setEndedAtMs(now)
                .setOutcome(InvocationOutcome.REJECTED)
                .setErrorKind(error == null ? null : error.getKind())
                .setErrorMessage(error == null ? null : error.getMessage())
                .setEstimatedInputTokens(assignment.getEstimatedInputTokens())
                .setUsage(new Usage(0, 0, 0, 0))
                .setReservedMicros(assignment.getEstimatedCostMicros())
                .setBilled(false)
                .setShadow(assignment.getShadow())
                .setFinalAttempt(true)
                .setWorkerId(ctx.workerId())
                .setLabels(CostLabels.select(ctx.catalog(), request.getMetadata()))
                .build());
    }

    private String deadlineMessage() {
        StringBuilder out = new StringBuilder("deadline passed after ").append(events.size()).append(" attempt(s)");
        List<String> down = new ArrayList<>();
        for (Candidate c : candidates) {
            String state = switch (c.state) {
                case UNFIT -> "cannot take the prompt";
                case EXHAUSTED -> "attempts used up";
                case ACTIVE -> c.guard.cooldown().active() ? "cooling down (" + c.guard.cooldown().reason() + ")"
                        : "breaker " + c.guard.breaker().getState().name().toLowerCase();
            };
            down.add(c.ref.getProvider() + "/" + c.ref.getModel() + ": " + state);
        }
        out.append("; candidates: ").append(String.join(", ", down));
        if (lastFailure != null) {
            out.append("; last failure: ").append(lastFailure.message());
        }
        return out.toString();
    }

    /** What a breaker records as the failure of a call. Cheap: no stack trace. */
    static final class ProviderFault extends RuntimeException {
        ProviderFault(ErrorKind kind, Integer status) {
            super(kind + (status == null ? "" : " (HTTP " + status + ")"), null, false, false);
        }
    }
}
