package io.llmpipeline.worker.dispatch;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.worker.guard.GuardRegistry;
import io.llmpipeline.worker.metrics.WorkerMetrics;

/**
 * What every request run shares.
 *
 * @param catalog   models and prices
 * @param guards    per-model guards
 * @param endpoints providers by catalog name
 * @param scheduler runs delayed steps (backoff, rate-limit waits, recovery waits); no thread waits
 * @param clock     time of deadlines, cooldowns and breakers
 * @param metrics   meters and counters
 * @param workerId  written into invocation events
 */
public record RunContext(Catalog catalog, GuardRegistry guards, Map<String, ProviderEndpoint> endpoints,
                         ScheduledExecutorService scheduler, Clock clock, WorkerMetrics metrics, String workerId) {
}
