package io.llmpipeline.sim.internal;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

import io.llmpipeline.sim.FaultScript;

/** The fault state of one model under one script: replaced (and so reset) when the script changes. */
public final class ModelState {
    private final FaultScript script;
    private final AtomicLong calls = new AtomicLong();
    private final SplittableRandom random;
    private final RateLimits limits = new RateLimits();

    public ModelState(FaultScript script) {
        this.script = script;
        this.random = new SplittableRandom(script.seed());
    }

    public FaultScript script() {
        return script;
    }

    /** Counts this call and says whether it is among the scripted first failures. */
    public boolean nextCallFailsFirst() {
        return calls.incrementAndGet() <= script.failFirstN();
    }

    public synchronized double nextDouble() {
        return random.nextDouble();
    }

    public synchronized long nextJitter() {
        return script.jitterMs() == 0 ? 0 : random.nextLong(script.jitterMs() + 1);
    }

    public RateLimits limits() {
        return limits;
    }
}
