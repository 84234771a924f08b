package io.llmpipeline.launcher;

import java.time.Duration;
import java.util.stream.Stream;

/**
 * CPU time used by this process and every process it started (worker, router and API JVMs), so a
 * run's CPU per request covers the whole local pipeline, start-up excluded by taking the difference
 * of two readings. A process that ended between the readings takes its time with it.
 */
final class PipelineCpu {
    private PipelineCpu() {
    }

    /** Total CPU time so far, in milliseconds. */
    static long nowMs() {
        return Stream.concat(Stream.of(ProcessHandle.current()), ProcessHandle.current().descendants())
                .mapToLong(p -> p.info().totalCpuDuration().map(Duration::toMillis).orElse(0L))
                .sum();
    }
}
