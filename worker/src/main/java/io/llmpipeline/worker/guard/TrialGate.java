package io.llmpipeline.worker.guard;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Lets only a few calls at a model that has not answered yet (since the worker started, since its
 * breaker last opened, or since a run of consecutive failures); the others wait, without a thread, for the first success, which
 * lifts the limit. A breaker judges only calls that came back, so without this gate a worker
 * starting with thousands of requests would send thousands of calls to a provider that is down
 * before the breaker could see the first failures. The price: on a cold start the model gets
 * {@code trialCalls} calls for one round trip before it gets the rest.
 */
public final class TrialGate {
    private final int trialCalls;
    private final Executor handoff;
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    private int active;
    private boolean proven;

    public TrialGate(int trialCalls, Executor handoff) {
        if (trialCalls < 1) {
            throw new IllegalArgumentException("trialCalls must be positive");
        }
        this.trialCalls = trialCalls;
        this.handoff = handoff;
    }

    /** Runs {@code onPermit} now when the model is proven or a trial slot is free, else when one is. */
    public void acquire(Runnable onPermit) {
        synchronized (this) {
            if (!proven && active >= trialCalls) {
                waiting.add(onPermit);
                return;
            }
            active++;
        }
        onPermit.run();
    }

    public void release() {
        Runnable next;
        synchronized (this) {
            active--;
            if (!proven && active >= trialCalls) {
                return;
            }
            next = waiting.poll();
            if (next == null) {
                return;
            }
            active++;
        }
        handoff.execute(next);
    }

    /** The model answered: no more limit, and everyone waiting goes. */
    public void proven() {
        List<Runnable> go;
        synchronized (this) {
            if (proven) {
                return;
            }
            proven = true;
            go = drain();
        }
        go.forEach(handoff::execute);
    }

    /**
     * A run of failures: the model has to prove itself again before it gets more than the trial
     * calls, but those already waiting keep waiting (for a success, or for the breaker to open).
     */
    public synchronized void suspect() {
        proven = false;
    }

    /**
     * The breaker opened: the model has to prove itself again. Those waiting go now, to find the
     * model unavailable and move to a fallback rather than wait for a trial call.
     */
    public void unproven() {
        List<Runnable> go;
        synchronized (this) {
            proven = false;
            go = drain();
        }
        go.forEach(handoff::execute);
    }

    private List<Runnable> drain() {
        List<Runnable> go = new ArrayList<>(waiting);
        active += go.size();
        waiting.clear();
        return go;
    }

    public synchronized boolean isProven() {
        return proven;
    }

    public synchronized int waiting() {
        return waiting.size();
    }
}
