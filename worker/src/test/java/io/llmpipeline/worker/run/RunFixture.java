package io.llmpipeline.worker.run;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.CatalogLoader;
import io.llmpipeline.schemas.LlmAssignment;
import io.llmpipeline.testsupport.ManualScheduler;
import io.llmpipeline.testsupport.MutableClock;
import io.llmpipeline.worker.guard.GuardRegistry;
import io.llmpipeline.worker.it.PipelineHarness;
import io.llmpipeline.worker.metrics.WorkerMetrics;
import io.llmpipeline.worker.provider.ProviderAdapter;

/**
 * Request runs wired to hand-moved time and a scripted transport: the catalog of the integration
 * tests (four providers, six models), real adapters and guards, no socket, no timer thread.
 */
final class RunFixture {
    static final long T0 = 1_800_000_000_000L;

    final MutableClock clock = MutableClock.atEpochMs(T0);
    final ManualScheduler scheduler = new ManualScheduler(clock);
    final ScriptedTransport transport = new ScriptedTransport(clock);
    final WorkerMetrics metrics = new WorkerMetrics(new SimpleMeterRegistry());
    final GuardRegistry guards;
    final RunContext ctx;

    /** @param guards a {@code guards:} YAML flow map set on every provider, or null */
    RunFixture(String guards) {
        Catalog catalog = CatalogLoader.parse(PipelineHarness.fourProviders("http://provider.test", guards), "test",
                name -> null);
        Scheduler timer = new Scheduler() {
            @Override
            public Cancellable schedule(Runnable task, long delayMs) {
                return scheduler.schedule(task, delayMs)::cancel;
            }

            @Override
            public void execute(Runnable task) {
                scheduler.execute(task);
            }
        };
        this.guards = new GuardRegistry(catalog, clock, timer);
        Map<String, ProviderEndpoint> endpoints = new HashMap<>();
        catalog.config().providers().forEach((name, provider) -> endpoints.put(name,
                new ProviderEndpoint(name, provider, ProviderAdapter.forKind(provider.kind(), clock), transport)));
        this.ctx = new RunContext(catalog, this.guards, endpoints, timer, clock, () -> clock.millis() * 1_000_000L,
                metrics, "w-test");
    }

    CompletableFuture<RunReport> start(LlmAssignment assignment) {
        return new RequestRun(assignment, ctx).start();
    }

    CompletableFuture<RunReport> start(LlmAssignment assignment, java.util.function.Supplier<String> stopReason) {
        return start(assignment, new RunHooks(stopReason, AttemptJournal.NONE, java.util.List.of()));
    }

    CompletableFuture<RunReport> start(LlmAssignment assignment, RunHooks hooks) {
        return new RequestRun(assignment, ctx, hooks).start();
    }
}
