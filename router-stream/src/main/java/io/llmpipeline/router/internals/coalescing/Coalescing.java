package io.llmpipeline.router.internals.coalescing;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import io.llmpipeline.router.internals.Step;
import io.llmpipeline.router.internals.TerminalResults;
import io.llmpipeline.schemas.ErrorKind;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.LlmResult;

/**
 * The requests waiting for another request's answer (an identical one for the cache, one with the
 * same tenant and idempotency key for idempotency; see {@link CoalescingKind}), and what happens
 * to them when it comes.
 * <ul>
 *   <li>Leader answered: every waiter gets the answer as a cache hit (cost 0, with the saving).</li>
 *   <li>Leader failed for a reason that is about the prompt itself (INVALID_REQUEST,
 *       CONTEXT_OVERFLOW, CONTENT_FILTERED, NO_ROUTE): every waiter gets the same error, since the same call
 *       would fail the same way.</li>
 *   <li>Leader failed for a reason of its own (its budget, its deadline, a provider outage) or
 *       never answered: the oldest waiter still within its deadline becomes the leader and goes on
 *       to the provider; the others keep waiting. One call at a time, never a stampede.</li>
 *   <li>A waiter whose deadline passes gets DEADLINE_EXCEEDED.</li>
 * </ul>
 */
final class Coalescing {
    private static final Set<ErrorKind> SHARED_FAILURES = Set.of(ErrorKind.INVALID_REQUEST, ErrorKind.CONTEXT_OVERFLOW,
            ErrorKind.CONTENT_FILTERED, ErrorKind.NO_ROUTE);

    private final ProcessorContext<String, Step<LlmRequest>> context;
    private final CoalescingKind kind;
    final KeyValueStore<String, CacheEntry> entries;
    final KeyValueStore<String, InFlight> inFlight;
    final KeyValueStore<String, LlmRequest> waiters;

    Coalescing(ProcessorContext<String, Step<LlmRequest>> context, CoalescingKind kind) {
        this.context = context;
        this.kind = kind;
        this.entries = context.getStateStore(kind.entries());
        this.inFlight = context.getStateStore(kind.inFlight());
        this.waiters = context.getStateStore(kind.waiters());
    }

    /** Whether every waiter would fail the same way the leader did, since the failure is about the prompt itself. */
    static boolean sharedFailure(LlmResult failure) {
        return failure != null && failure.getError() != null && SHARED_FAILURES.contains(failure.getError().getKind());
    }

    void await(String cacheKey, InFlight marker, LlmRequest follower) {
        waiters.put(waiterKey(cacheKey, marker.nextWaiter()), follower);
        inFlight.put(cacheKey, marker.withWaiter());
    }

    /** The leader answered: every waiter gets the answer. */
    void answerAll(String cacheKey, LlmResult answer, long now) {
        for (LlmRequest request : drain(cacheKey)) {
            if (expired(request, now)) {
                emit(request.getRequestId(), Step.answer(deadline(request, now)), now);
            } else {
                emit(request.getRequestId(), Step.answer(kind.answer(request, cacheKey, answer, now)), now);
            }
        }
        inFlight.delete(cacheKey);
    }

    /** The leader failed or was abandoned; see the class comment for who gets what. */
    void leaderFailed(String cacheKey, InFlight marker, LlmResult failure, long now) {
        if (sharedFailure(failure)) {
            for (LlmRequest request : drain(cacheKey)) {
                emit(request.getRequestId(), Step.answer(kind.sharedFailure(request, failure, now)), now);
            }
            inFlight.delete(cacheKey);
            return;
        }
        promoteOrForget(cacheKey, marker, now);
    }

    void promoteOrForget(String cacheKey, InFlight marker, long now) {
        List<String> consumed = new ArrayList<>();
        LlmRequest leader = null;
        int remaining = 0;
        try (KeyValueIterator<String, LlmRequest> it = waiters.prefixScan(cacheKey + "|", new StringSerializer())) {
            while (it.hasNext()) {
                var entry = it.next();
                if (leader != null) {
                    remaining++;
                    continue;
                }
                consumed.add(entry.key);
                LlmRequest request = entry.value;
                if (expired(request, now)) {
                    emit(request.getRequestId(), Step.answer(deadline(request, now)), now);
                } else {
                    leader = entry.value;
                }
            }
        }
        consumed.forEach(waiters::delete);
        if (leader == null) {
            inFlight.delete(cacheKey);
            return;
        }
        inFlight.put(cacheKey, marker.promoted(leader.getRequestId(), now, remaining));
        emit(kind.leaderKey(cacheKey, leader), Step.next(kind.leading(leader)), now);
    }

    /**
     * Gives DEADLINE_EXCEEDED to waiters whose deadline has passed. Scans the waiters, not the
     * in-flight markers: there are usually far fewer requests waiting than leaders in flight.
     */
    void expireWaiters(long now) {
        List<String> gone = new ArrayList<>();
        java.util.Map<String, Integer> perKey = new java.util.HashMap<>();
        try (KeyValueIterator<String, LlmRequest> it = waiters.all()) {
            while (it.hasNext()) {
                var entry = it.next();
                if (expired(entry.value, now)) {
                    gone.add(entry.key);
                    perKey.merge(entry.key.substring(0, entry.key.lastIndexOf('|')), 1, Integer::sum);
                    emit(entry.value.getRequestId(), Step.answer(deadline(entry.value, now)), now);
                }
            }
        }
        gone.forEach(waiters::delete);
        perKey.forEach((cacheKey, count) -> {
            InFlight marker = inFlight.get(cacheKey);
            if (marker != null) {
                inFlight.put(cacheKey, new InFlight(marker.leaderId(), marker.startedAtMs(), marker.ttlSeconds(),
                        marker.nextWaiter(), Math.max(0, marker.waiters() - count)));
            }
        });
    }

    private List<LlmRequest> drain(String cacheKey) {
        List<String> keys = new ArrayList<>();
        List<LlmRequest> out = new ArrayList<>();
        try (KeyValueIterator<String, LlmRequest> it = waiters.prefixScan(cacheKey + "|", new StringSerializer())) {
            while (it.hasNext()) {
                var entry = it.next();
                keys.add(entry.key);
                out.add(entry.value);
            }
        }
        keys.forEach(waiters::delete);
        return out;
    }

    /** Treats leaders older than the in-flight timeout as lost: their waiters are released (see {@link #leaderFailed}). */
    void sweepInFlight(long now, long timeoutMs) {
        List<String> keys = new ArrayList<>();
        List<InFlight> markers = new ArrayList<>();
        try (KeyValueIterator<String, InFlight> it = inFlight.all()) {
            while (it.hasNext()) {
                var e = it.next();
                if (now - e.value.startedAtMs() >= timeoutMs) {
                    keys.add(e.key);
                    markers.add(e.value);
                }
            }
        }
        for (int i = 0; i < keys.size(); i++) {
            leaderFailed(keys.get(i), markers.get(i), null, now);
        }
    }

    void sweepEntries(long now) {
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, CacheEntry> it = entries.all()) {
            while (it.hasNext()) {
                var e = it.next();
                if (!e.value.liveAt(now)) {
                    expired.add(e.key);
                }
            }
        }
        expired.forEach(entries::delete);
    }

    private static boolean expired(LlmRequest request, long now) {
        return request.getDeadlineEpochMs() != null && request.getDeadlineEpochMs() <= now;
    }

    private LlmResult deadline(LlmRequest waiter, long now) {
        return TerminalResults.error(waiter, null, ErrorKind.DEADLINE_EXCEEDED,
                "deadline passed while waiting for " + kind.other + " in flight", now);
    }

    private void emit(String key, Step<LlmRequest> step, long now) {
        context.forward(new Record<>(key, step, now));
    }

    static String waiterKey(String cacheKey, long seq) {
        return cacheKey + "|" + String.format("%012d", seq);
    }
}
