package io.llmpipeline.worker.run;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.llmpipeline.catalog.CostLabels;
import io.llmpipeline.schemas.ErrorKind;
import io.llmpipeline.schemas.InvocationOutcome;
import io.llmpipeline.schemas.LlmAssignment;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.Usage;
import io.llmpipeline.worker.guard.FailurePolicy;
import io.llmpipeline.worker.guard.FailurePolicy.Verdict;
import io.llmpipeline.worker.guard.ProviderLimits;
import io.llmpipeline.worker.guard.RateRoom;
import io.llmpipeline.worker.provider.AttemptOutcome;
import io.llmpipeline.worker.provider.AttemptOutcome.Answered;
import io.llmpipeline.worker.provider.AttemptOutcome.Failed;
import io.llmpipeline.worker.provider.HttpCall;
import io.llmpipeline.worker.provider.ProviderCall;
import io.llmpipeline.worker.provider.RawResponse;
import io.llmpipeline.worker.provider.TransportException;
import io.llmpipeline.worker.run.Candidate.Standing;
import io.llmpipeline.worker.run.Candidates.Choice;

/**
 * One request, from its assignment to its report, as a small state machine: choose a candidate
 * ({@link Candidates}), reserve its rate-limit room, wait for a call slot, call it, and on failure
 * do what {@link FailurePolicy} says (retry, fail over, fail), all within the request's deadline.
 * Every step is a callback or a task on the injected {@link Scheduler}; a waiting request holds
 * no thread. Steps of one run never overlap, so its state needs no locks. What it did is kept by
 * its {@link AttemptLog}.
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
    /** Pause before trying again when the attempt journal could not take a call's start. */
    static final long JOURNAL_RETRY_MS = 1_000;
    /** A throttled request backs off like a request on its third retry at most: the rate limits pace it anyway. */
    static final int MAX_THROTTLE_BACKOFF_STEP = 3;

    private final LlmAssignment assignment;
    private final LlmRequest request;
    private final RunContext ctx;
    private final long deadlineMs;
    private final Candidates candidates;
    private final AttemptLog log;
    private final RunHooks hooks;
    private final CompletableFuture<RunReport> done = new CompletableFuture<>();
    private volatile boolean cancelled;
    private int rounds;
    private boolean truncationRedispatched;
    private Failed lastFailure;
    private Candidate lastTried;

    public RequestRun(LlmAssignment assignment, RunContext ctx) {
        this(assignment, ctx, RunHooks.NONE);
    }

    public RequestRun(LlmAssignment assignment, RunContext ctx, RunHooks hooks) {
        this.assignment = assignment;
        this.hooks = hooks;
        this.request = assignment.getRequest();
        this.ctx = ctx;
        this.deadlineMs = deadline(request, ctx);
        this.candidates = new Candidates(assignment, ctx);
        this.log = new AttemptLog(assignment, ctx.workerId(), ctx.clock(),
                CostLabels.select(ctx.catalog(), request.getMetadata()));
    }

    private static long deadline(LlmRequest request, RunContext ctx) {
        if (request.getDeadlineEpochMs() != null) {
            return request.getDeadlineEpochMs();
        }
        long from = request.getSubmittedAtMs() > 0 ? request.getSubmittedAtMs() : ctx.clock().millis();
        return from + ctx.catalog().config().worker().defaultDeadlineMs();
    }

    /**
     * Starts the run: the one place where a request is checked before any work begins. The
     * future completes with the report, or is cancelled by {@link #cancel()}.
     */
    public CompletableFuture<RunReport> start() {
        hooks.earlier().forEach(entry -> log.earlier(entry, ctx.catalog().config().models().get(entry.getModel())));
        if (candidates.isEmpty()) {
            fail(ErrorKind.UNAVAILABLE, "no model of the assignment is in this worker's catalog: " + candidates.unknown(), null);
        } else {
            step();
        }
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

    private boolean over() {
        return cancelled || done.isDone();
    }

    private void step() {
        if (over()) {
            return;
        }
        if (stopped()) {
            return;
        }
        long now = now();
        if (now >= deadlineMs) {
            fail(ErrorKind.DEADLINE_EXCEEDED, deadlineMessage(), null);
            return;
        }
        switch (candidates.choose(now)) {
            case Choice.Try(Candidate pick) -> {
                if (lastTried != null && lastTried != pick) {
                    ctx.metrics().failedOver();
                }
                reserve(pick);
            }
            case Choice.WaitUntil(long atMs) -> later(atMs - now);
            case Choice.NoneFits() -> fail(ErrorKind.CONTEXT_OVERFLOW, "no candidate can take this prompt"
                    + (lastFailure == null ? "" : "; last: " + lastFailure.message()),
                    lastFailure == null ? null : lastFailure.httpStatus());
            // every candidate used up its attempts: wait, then go round again from the first one
            case Choice.NewRound(Candidate first) -> later(first.guard.backoff(++rounds, null).toMillis());
        }
    }

    /**
     * Ends the run with no further call when its batch was cancelled: a CANCELLED result whose
     * unbilled end releases the budget reservation, as for any request that never ran; attempts
     * already made stay billed.
     */
    private boolean stopped() {
        String reason = hooks.stopReason().get();
        if (reason == null) {
            return false;
        }
        fail(ErrorKind.CANCELLED, reason, null);
        return true;
    }

    /** Runs {@link #step()} after {@code delayMs}, never past the deadline. */
    private void later(long delayMs) {
        long wait = Math.max(0, Math.min(delayMs, deadlineMs - now()));
        ctx.scheduler().schedule(() -> guarded(this::step), wait);
    }

    /** A step run from a callback: a bug in it fails this request, never the worker. */
    private void guarded(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            fail(ErrorKind.INTERNAL, "worker error: " + e, null);
        }
    }

    private void reserve(Candidate c) {
        int tokens = assignment.getEstimatedInputTokens() + c.maxTokens(request.getParams().getMaxTokens());
        long now = now();
        switch (c.guard.reserveRateLimit(tokens, deadlineMs)) {
            case RateRoom.TooLate() -> {
                ctx.metrics().rateLimitWait(c.guard, deadlineMs - now);
                fail(ErrorKind.DEADLINE_EXCEEDED, "the rate limit of " + c.key()
                        + " would start the call after the deadline; " + deadlineMessage(), null);
            }
            case RateRoom.LookAgain(long atMs) -> later(Math.max(MIN_RECHECK_MS, atMs - now));
            case RateRoom.Granted(long atMs) -> {
                c.reservedTokens = tokens;
                if (atMs > now) {
                    ctx.metrics().rateLimitWait(c.guard, atMs - now);
                    ctx.scheduler().schedule(() -> guarded(() -> admit(c)), atMs - now);
                } else {
                    admit(c);
                }
            }
        }
    }

    /** Waits (without a thread) for a call slot of the model, at most until the deadline. */
    private void admit(Candidate c) {
        AtomicBoolean settled = new AtomicBoolean();
        AtomicReference<Scheduler.Cancellable> deadline = new AtomicReference<>();
        c.guard.awaitCallSlot(() -> {
            if (!settled.compareAndSet(false, true)) {
                c.guard.releaseCallSlot(); // the request already failed at its deadline
                return;
            }
            Scheduler.Cancellable timer = deadline.get();
            if (timer != null) {
                timer.cancel();
            }
            guarded(() -> withSlot(c));
        });
        if (!settled.get()) {
            deadline.set(ctx.scheduler().schedule(() -> {
                if (settled.compareAndSet(false, true)) {
                    guarded(() -> fail(ErrorKind.DEADLINE_EXCEEDED, "still waiting for a free call slot of "
                            + c.key() + " (bulkhead or trial calls); " + deadlineMessage(), null));
                }
            }, deadlineMs - now()));
        }
    }

    private void withSlot(Candidate c) {
        if (over() || now() >= deadlineMs) {
            c.guard.releaseCallSlot();
            step();
            return;
        }
        if (stopped()) {
            c.guard.releaseCallSlot();
            return;
        }
        if (!c.guard.tryStartCall()) {
            c.guard.releaseCallSlot();
            // The model closed while this request waited for its slot (its breaker opened, it cooled down).
            // Another candidate that can take the call now is tried at once: waiting for this one's breaker
            // (30 s by default) while a healthy fallback idles was the primary-down stall.
            long now = now();
            later(candidates.otherAvailable(c, now) ? 0 : Math.max(MIN_RECHECK_MS, c.guard.availableAtMs() - now));
            return;
        }
        send(c);
    }

    private void send(Candidate c) {
        ProviderCall call = new ProviderCall(c.ref.getProvider(), c.endpoint.config(), c.ref.getModel(), c.model,
                request.getMessages(), request.getParams(), c.maxTokens(request.getParams().getMaxTokens()),
                request.getPassthroughJson(), request.getParams().getStream(), assignment.getEstimatedInputTokens());
        HttpCall http;
        try {
            http = c.endpoint.adapter().request(call);
        } catch (IllegalArgumentException e) {
            c.guard.callSaidNothing();
            c.guard.releaseCallSlot();
            fail(ErrorKind.INVALID_REQUEST, e.getMessage(), null);
            return;
        }
        lastTried = c;
        AttemptJournal.Call journaled = new AttemptJournal.Call(log.nextAttempt(), c.ref, now(), call.maxTokens());
        CompletableFuture<Void> durable;
        try {
            durable = hooks.journal().started(journaled);
        } catch (RuntimeException e) {
            durable = CompletableFuture.failedFuture(e);
        }
        if (durable.isDone() && !durable.isCompletedExceptionally()) {
            call(c, call, http, journaled);
        } else {
            // the producer's thread completes it: hop to the scheduler so no run step ever runs there
            durable.whenComplete((ok, error) -> ctx.scheduler().execute(() -> guarded(() -> {
                if (error == null && !over()) {
                    call(c, call, http, journaled);
                    return;
                }
                c.guard.callSaidNothing();
                c.guard.releaseCallSlot();
                if (error != null) {
                    unjournaled(error);
                }
            })));
        }
    }

    /** No call leaves unless the journal holds its start: without Kafka, wait and try again. */
    private void unjournaled(Throwable error) {
        lastFailure = Failed.of(ErrorKind.INTERNAL, null, "the attempt journal did not take the call's start: " + error);
        later(JOURNAL_RETRY_MS);
    }

    private void call(Candidate c, ProviderCall call, HttpCall http, AttemptJournal.Call journaled) {
        long startedAt = journaled.startedAtMs();
        long startNanos = ctx.nanoTime().getAsLong();
        long timeout = Math.min(c.endpoint.config().http().responseTimeoutMs(), deadlineMs - startedAt);
        ctx.metrics().callStarted(c.guard);
        c.endpoint.transport().send(http, Duration.ofMillis(Math.max(1, timeout)))
                .whenComplete((response, error) -> guarded(() -> answered(c, call, journaled, startNanos, response, error)));
    }

    private void answered(Candidate c, ProviderCall call, AttemptJournal.Call journaled, long startNanos, RawResponse response,
                          Throwable error) {
        long startedAt = journaled.startedAtMs();
        c.guard.releaseCallSlot();
        long nanos = ctx.nanoTime().getAsLong() - startNanos;
        AttemptOutcome outcome;
        ProviderLimits limits = ProviderLimits.NONE;
        if (error != null) {
            TransportException failure = TransportException.from(error);
            outcome = Failed.of(failure.kind(), null, failure.getMessage());
        } else {
            outcome = c.endpoint.adapter().outcome(response, call);
            limits = c.endpoint.adapter().limits(response);
        }
        paceFrom(c, outcome, limits, response != null);
        ctx.metrics().callEnded(c.guard, outcome instanceof Failed f ? f.kind().name() : null, nanos);
        switch (outcome) {
            case Answered a -> hooks.journal().ended(journaled, now(), a.usage(), null);
            case Failed f -> hooks.journal().ended(journaled, now(), f.usage(), f.kind());
        }
        if (cancelled) {
            c.guard.callSaidNothing();
            return;
        }
        switch (outcome) {
            case Answered a -> onAnswer(c, call, a, startedAt, nanos);
            case Failed f -> onFailure(c, f, limits.accountExhausted(), startedAt, nanos);
        }
    }

    /** What the call tells the model's rate limits: tokens really used, the provider's limits, a 429. */
    private void paceFrom(Candidate c, AttemptOutcome outcome, ProviderLimits limits, boolean responded) {
        Usage used = outcome.usage();
        c.guard.tokensUsed(c.reservedTokens, used == null ? 0 : used.getInputTokens() + used.getOutputTokens());
        c.reservedTokens = 0;
        if (!responded) {
            return;
        }
        c.guard.providerAnswered(limits, outcome instanceof Answered);
        if (outcome instanceof Failed f && f.kind() == ErrorKind.RATE_LIMITED) {
            c.guard.providerThrottled(limits);
        }
    }

    private void onAnswer(Candidate c, ProviderCall call, Answered a, long startedAt, long nanos) {
        c.guard.callSucceeded(nanos);
        int threshold = c.model.contextWindow() - call.maxTokens();
        if (a.usage().getInputTokens() >= threshold) {
            // The provider read at least as many prompt tokens as fit: it probably cut the prompt (Ollama does so silently).
            String why = "suspected truncation: " + c.ref.getModel() + " reported " + a.usage().getInputTokens()
                    + " prompt tokens, at or above its context window " + c.model.contextWindow()
                    + " minus the output reserve " + call.maxTokens();
            log.attempt(c.ref, c.model.price(), startedAt, InvocationOutcome.INTERRUPTED, ErrorKind.CONTEXT_OVERFLOW, why,
                    200, a.usage(), true);
            lastFailure = Failed.of(ErrorKind.CONTEXT_OVERFLOW, 200, why);
            c.standing = Standing.UNFIT;
            boolean fallbackLeft = candidates.anyActive();
            if (truncationRedispatched || !fallbackLeft) {
                fail(ErrorKind.CONTEXT_OVERFLOW, why + (fallbackLeft ? "; already re-dispatched once" : "; no fallback left"), null);
            } else {
                truncationRedispatched = true;
                step();
            }
            return;
        }
        log.attempt(c.ref, c.model.price(), startedAt, InvocationOutcome.SUCCESS, null, null, 200, a.usage(), false);
        finish(log.succeeded(c.ref, a.text(), a.finishReason()));
    }

    private void onFailure(Candidate c, Failed f, boolean accountExhausted, long startedAt, long nanos) {
        Verdict verdict = FailurePolicy.judge(f.kind(), f.httpStatus(), f.partial(), accountExhausted);
        c.guard.callFailed(nanos, verdict, f.kind(), f.httpStatus());
        InvocationOutcome outcome = f.partial() ? InvocationOutcome.INTERRUPTED : InvocationOutcome.FAILURE;
        log.attempt(c.ref, c.model.price(), startedAt, outcome, f.kind(), f.message(), f.httpStatus(), f.usage(), f.partial());
        lastFailure = f;
        switch (verdict.action()) {
            case FAIL_REQUEST -> fail(f.kind(), f.message(), f.httpStatus());
            case NEXT_CANDIDATE -> {
                c.standing = Standing.UNFIT;
                step();
            }
            case FAIL_OVER -> {
                if (f.retryAfter() != null) {
                    c.guard.holdFor(f.retryAfter());
                }
                c.guard.coolDown(f.kind() + ": " + f.message());
                c.standing = Standing.EXHAUSTED;
                step();
            }
            case RETRY -> retry(c, f, verdict);
        }
    }

    private void retry(Candidate c, Failed f, Verdict verdict) {
        if (verdict.discardsPartial()) {
            log.discardedPartial();
        }
        if (f.kind() == ErrorKind.MALFORMED_RESPONSE) {
            c.unreadableAnswers++;
        }
        boolean broken = f.kind() == ErrorKind.MALFORMED_RESPONSE && c.unreadableAnswers > 1;
        // A 429 says "not now", not "not this model": its Retry-After delays this request only (the model's
        // pace is the rate limits' business), and it never uses up the model's attempts, so a throttled request
        // keeps its place until it succeeds or its deadline passes.
        boolean throttled = f.kind() == ErrorKind.RATE_LIMITED;
        if (throttled) {
            c.throttles++;
        } else if (!broken) {
            c.failures++;
            if (f.retryAfter() != null) {
                c.guard.holdFor(f.retryAfter()); // an overloaded or failing provider asked everyone for a pause
            }
        }
        if (FailurePolicy.attemptsUsedUp(f.kind(), c.failures, c.unreadableAnswers, c.guard.maxAttempts())) {
            c.standing = Standing.EXHAUSTED;
            step();
            return;
        }
        long now = now();
        if (c.guard.availableAtMs() > now && candidates.otherAvailable(c, now)) {
            // the failure opened the breaker (or a cooldown): go to a fallback now instead of backing off first
            step();
            return;
        }
        ctx.metrics().retried();
        int retry = throttled ? Math.min(c.throttles, MAX_THROTTLE_BACKOFF_STEP) : c.failures;
        later(c.guard.backoff(retry, f.retryAfter()).toMillis());
    }

    private void fail(ErrorKind kind, String message, Integer status) {
        finish(log.failed(kind, message, status, lastTried == null ? null : lastTried.ref));
    }

    private void finish(RunReport report) {
        if (!over()) {
            done.complete(report);
        }
    }

    private String deadlineMessage() {
        return "deadline passed after " + log.attempts() + " attempt(s); candidates: " + candidates.describe()
                + (lastFailure == null ? "" : "; last failure: " + lastFailure.message());
    }
}
