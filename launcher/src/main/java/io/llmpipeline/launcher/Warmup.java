package io.llmpipeline.launcher;

import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The bench's warm-up: at least a count of requests, sent in rounds, and more rounds while the
 * pipeline's JIT compilers are still busy. A count alone did not reach the compiled steady state:
 * the launcher JVM holds the broker, router, simulator and client, and its C2 compiler keeps
 * compiling methods that reach its threshold at a few calls per second for two to three minutes
 * of load; measured after a fixed 100,000 requests at 2 s provider latency it still took half a
 * core of the machine's two, so the run measured the compiler as much as the pipeline.
 */
final class Warmup {
    /** Sends {@code requests} warm-up requests numbered from {@code first} and waits for their results. */
    @FunctionalInterface
    interface Round {
        void send(long first, int requests) throws InterruptedException;
    }

    /**
     * @param requests      warm-up requests sent
     * @param compilerCores time the compilers spent over the last round, in cores (1.0 = one core busy throughout)
     * @param stillBusy     true when the time limit ended the warm-up with the compilers above the quiet level
     */
    record Done(long requests, double compilerCores, boolean stillBusy) {
    }

    private final Round round;
    private final LongSupplier compileMs;
    private final LongSupplier nowMs;
    private final Consumer<String> log;

    /**
     * @param compileMs the pipeline's compile time so far, summed over its JVMs
     * @param nowMs     a clock in milliseconds
     * @param log       told after each round past the minimum, for someone waiting at a terminal
     */
    Warmup(Round round, LongSupplier compileMs, LongSupplier nowMs, Consumer<String> log) {
        this.round = round;
        this.compileMs = compileMs;
        this.nowMs = nowMs;
        this.log = log;
    }

    /**
     * @param minimum    requests sent whatever the compilers do (in equal rounds of about {@code roundSize})
     * @param roundSize  requests per round; the compilers are judged over the last round
     * @param quietCores the compilers are quiet below this many cores over a round; 0 sends the minimum only
     * @param limitMs    no round starts after this long, quiet or not
     */
    Done run(long minimum, int roundSize, double quietCores, long limitMs) throws InterruptedException {
        if (minimum <= 0 || roundSize <= 0) {
            throw new IllegalArgumentException("a warm-up needs at least one request per round, got minimum " + minimum
                    + " and rounds of " + roundSize);
        }
        long rounds = Math.max(1, minimum / roundSize);
        int size = (int) Math.ceil((double) minimum / rounds);
        long startedAt = nowMs.getAsLong();
        long sent = 0;
        double cores = Double.NaN;
        while (true) {
            if (sent >= minimum) {
                log.accept(String.format(Locale.ROOT, "warm-up: %,d requests sent; JIT compilers at %.0f%% of one core over the last round",
                        sent, 100 * cores));
                if (quietCores <= 0 || cores < quietCores) {
                    return new Done(sent, cores, false);
                }
                if (nowMs.getAsLong() - startedAt >= limitMs) {
                    return new Done(sent, cores, true);
                }
            }
            long compileBefore = compileMs.getAsLong();
            long roundStart = nowMs.getAsLong();
            round.send(sent, size);
            sent += size;
            cores = (double) (compileMs.getAsLong() - compileBefore) / Math.max(1, nowMs.getAsLong() - roundStart);
        }
    }
}
