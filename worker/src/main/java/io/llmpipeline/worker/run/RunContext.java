package io.llmpipeline.worker.run;

import java.time.Clock;
import java.util.Map;
import java.util.function.LongSupplier;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.worker.guard.GuardRegistry;
import io.llmpipeline.worker.metrics.WorkerMetrics;

/**
 * What every request run shares. Time and I/O come in here (the scheduler, the clock, the
 * transports inside the endpoints), so a run can be driven by a test without a socket or a timer.
 *
 * @param catalog   models and prices
 * @param guards    per-model guards
 * @param endpoints providers by catalog name
 * @param scheduler runs delayed steps (backoff, rate-limit waits, recovery waits); no thread waits
 * @param clock     time of deadlines, cooldowns and breakers
 * @param nanoTime  a monotonic reading for call durations ({@code System::nanoTime} in production)
 * @param metrics   meters and counters
 * @param workerId  written into invocation events and results
 */
public record RunContext(Catalog catalog, GuardRegistry guards, Map<String, ProviderEndpoint> endpoints,
                         Scheduler scheduler, Clock clock, LongSupplier nanoTime, WorkerMetrics metrics, String workerId) {
}
