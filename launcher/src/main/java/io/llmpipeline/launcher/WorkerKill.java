package io.llmpipeline.launcher;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A limited run with one of several worker processes killed with kill -9: the provider's call rate is
 * sampled throughout, and the time from the kill until the survivors call at the rate all workers
 * called at before it is how long the dead worker's share of the limit went unused.
 */
final class WorkerKill {
    /** The rate after the kill counts as recovered at this fraction of the rate before it. */
    static final double RECOVERED = 0.9;
    /** The rate is judged over windows this long: a few calls either way at 10 calls/s must not decide it. */
    static final long WINDOW_MS = 5_000;
    private static final long SAMPLE_MS = 250;

    /** Provider calls counted at one moment. */
    record Sample(long atMs, long calls) {
    }

    /**
     * @param beforePerSecond provider calls/s over the {@link #WINDOW_MS} x 4 before the kill
     * @param reclaimMs       from the kill to the end of the first window after it at {@link #RECOVERED} of that rate, -1 if never
     */
    record Reclaim(double beforePerSecond, long reclaimMs) {
    }

    private WorkerKill() {
    }

    static Result run(LocalPipeline pipeline, int victim, Duration killAfter, LongSupplier providerCalls,
                             RouterKill.Load load) throws InterruptedException {
        List<Sample> samples = new ArrayList<>();
        long[] killedAtMs = {-1};
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            long start = System.currentTimeMillis();
            timer.scheduleAtFixedRate(() -> {
                synchronized (samples) {
                    samples.add(new Sample(System.currentTimeMillis() - start, providerCalls.getAsLong()));
                }
            }, 0, SAMPLE_MS, TimeUnit.MILLISECONDS);
            timer.schedule(() -> {
                pipeline.killWorkerProcess(victim);
                killedAtMs[0] = System.currentTimeMillis() - start;
                System.err.printf("worker-kill: killed worker-%d with kill -9 at %.1f s%n", victim, killedAtMs[0] / 1000.0);
            }, killAfter.toMillis(), TimeUnit.MILLISECONDS);
            LoadGenerator.Outcome outcome = load.run();
            synchronized (samples) {
                return new Result(outcome, reclaim(List.copyOf(samples), killedAtMs[0]));
            }
        } finally {
            timer.shutdownNow();
        }
    }

    record Result(LoadGenerator.Outcome outcome, Reclaim reclaim) {
    }

    static Reclaim reclaim(List<Sample> samples, long killedAtMs) {
        if (killedAtMs < 0) {
            return new Reclaim(0, -1);
        }
        double before = perSecond(samples, killedAtMs - 4 * WINDOW_MS, killedAtMs);
        for (Sample s : samples) {
            long end = s.atMs() + WINDOW_MS;
            if (s.atMs() >= killedAtMs && end <= last(samples) && perSecond(samples, s.atMs(), end) >= RECOVERED * before) {
                return new Reclaim(before, end - killedAtMs);
            }
        }
        return new Reclaim(before, -1);
    }

    private static long last(List<Sample> samples) {
        return samples.isEmpty() ? 0 : samples.get(samples.size() - 1).atMs();
    }

    /** Calls per second between two moments, from the samples nearest at or before each. */
    static double perSecond(List<Sample> samples, long fromMs, long toMs) {
        return (callsAt(samples, toMs) - callsAt(samples, fromMs)) * 1000.0 / (toMs - fromMs);
    }

    private static long callsAt(List<Sample> samples, long atMs) {
        long calls = 0;
        for (Sample s : samples) {
            if (s.atMs() > atMs) {
                break;
            }
            calls = s.calls();
        }
        return calls;
    }
}
