package io.llmpipeline.sim.internal;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import io.llmpipeline.sim.SimStats;

/** Counts calls per model as they start and finish. */
public final class StatsRecorder {
    private final Clock clock;
    private volatile Map<String, ModelCounters> models = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger inFlightMax = new AtomicInteger();
    private final LongAdder total = new LongAdder();

    public StatsRecorder(Clock clock) {
        this.clock = clock;
    }

    /** A call for {@code model} arrived; finish the returned ticket exactly once. */
    public Ticket begin(String model) {
        ModelCounters counters = models.computeIfAbsent(model, m -> new ModelCounters());
        counters.calls.increment();
        total.increment();
        int window = counters.window.record(clock.millis());
        counters.maxPerMinute.accumulateAndGet(window, Math::max);
        counters.inFlightMax.accumulateAndGet(counters.inFlight.incrementAndGet(), Math::max);
        inFlightMax.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        return new Ticket(counters);
    }

    public void reset() {
        models = new ConcurrentHashMap<>();
        total.reset();
        inFlightMax.set(inFlight.get());
    }

    public SimStats snapshot() {
        Map<String, SimStats.ModelStats> out = new HashMap<>();
        models.forEach((model, c) -> {
            Map<Integer, Long> byStatus = new HashMap<>();
            c.byStatus.forEach((status, n) -> byStatus.put(status, n.sum()));
            out.put(model, new SimStats.ModelStats(c.calls.sum(), byStatus, c.maxPerMinute.get(), c.inFlight.get(),
                    c.inFlightMax.get(), c.billedPromptTokens.sum(), c.billedCompletionTokens.sum()));
        });
        return new SimStats(out, total.sum(), inFlight.get(), inFlightMax.get());
    }

    /** One call in flight. */
    public final class Ticket {
        private final ModelCounters counters;
        private final java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        private volatile int promptTokens;
        private volatile int completionTokens;

        Ticket(ModelCounters counters) {
            this.counters = counters;
        }

        /** The usage a 200 answer to this call bills, as a provider bills it whether or not the client reads it. */
        public void usage(int promptTokens, int completionTokens) {
            this.promptTokens = promptTokens;
            this.completionTokens = completionTokens;
        }

        /** @param status the HTTP status answered, 0 if none was */
        public void finish(int status) {
            if (done.compareAndSet(false, true)) {
                counters.byStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
                if (status == 200) {
                    counters.billedPromptTokens.add(promptTokens);
                    counters.billedCompletionTokens.add(completionTokens);
                }
                counters.inFlight.decrementAndGet();
                inFlight.decrementAndGet();
            }
        }
    }

    private static final class ModelCounters {
        final LongAdder calls = new LongAdder();
        final Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
        final SlidingWindow window = new SlidingWindow();
        final AtomicInteger maxPerMinute = new AtomicInteger();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger inFlightMax = new AtomicInteger();
        final LongAdder billedPromptTokens = new LongAdder();
        final LongAdder billedCompletionTokens = new LongAdder();
    }
}
