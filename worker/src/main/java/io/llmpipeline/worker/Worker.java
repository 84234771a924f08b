package io.llmpipeline.worker;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.ProviderConfig;
import io.llmpipeline.catalog.TopicPlan;
import io.llmpipeline.catalog.TopicLeaders;
import io.llmpipeline.quota.QuotaGroup;
import io.llmpipeline.worker.guard.AsyncBulkhead;
import io.llmpipeline.worker.guard.GuardRegistry;
import io.llmpipeline.worker.guard.GuardState;
import io.llmpipeline.worker.guard.ModelGuard;
import io.llmpipeline.worker.health.HealthReporter;
import io.llmpipeline.worker.loop.AssignmentLoop;
import io.llmpipeline.worker.metrics.WorkerMetrics;
import io.llmpipeline.worker.provider.HttpTransport;
import io.llmpipeline.worker.provider.ProviderAdapter;
import io.llmpipeline.worker.run.ProviderEndpoint;
import io.llmpipeline.worker.run.RunContext;
import io.llmpipeline.worker.run.Scheduler;

/**
 * A worker process's engine: consumes assignments from {@code llm.requests.assigned}, calls the
 * providers behind their guards, and writes one result per request, one invocation event per
 * attempt and provider health, committed together with the consumed offsets.
 */
public final class Worker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);

    private final AssignmentLoop loop;
    private final Thread thread;
    private final ScheduledThreadPoolExecutor scheduler;
    private final Map<String, ProviderEndpoint> endpoints;
    private final GuardRegistry guards;
    private final WorkerMetrics metrics;
    /** Joined at start when the catalog sets a shared limit, else when the first limit is learnt; null before. */
    private final AtomicReference<QuotaGroup> quota = new AtomicReference<>();
    private final Supplier<QuotaGroup> joinQuota;
    private volatile boolean closed;

    private Worker(Catalog catalog, String bootstrapServers, String workerId, Options options) {
        Clock clock = options.clock();
        this.scheduler = new ScheduledThreadPoolExecutor(2, runnable -> {
            Thread t = new Thread(runnable, "worker-" + workerId + "-timer");
            t.setDaemon(true);
            return t;
        });
        scheduler.setRemoveOnCancelPolicy(true);
        this.metrics = new WorkerMetrics(options.registry());
        Scheduler timer = Scheduler.of(scheduler);
        // until the group has heard this worker for its grace, the worker holds no share and its calls wait
        this.guards = new GuardRegistry(catalog, clock, timer, limit -> {
            QuotaGroup g = quota.get();
            return g == null ? 0 : g.fraction(limit);
        });
        this.joinQuota = () -> QuotaGroup.join(QuotaGroup.Settings.defaults(bootstrapServers, quotaTopic(catalog), workerId),
                clock, guards::demands, guards::limitSizes, guards::countsCalls);
        if (!guards.rateLimits().isEmpty() || !guards.concurrencyLimits().isEmpty()) {
            joinQuotaGroup();
        }
        // a limit learnt from a provider's headers is held by the group too; joining talks to the broker, so not on the call's thread
        guards.onLimitLearned(limit -> scheduler.execute(() -> {
            joinQuotaGroup();
            metrics.rateLimit(limit.id(), () -> share(limit.id()), limit::groupRatePerMinute, limit::ratePerMinute);
            LOG.info("learnt {} at {}/min from the provider's headers; the worker group now holds it", limit.id(),
                    Math.round(limit.configuredPerMinute()));
        }));
        if (!guards.concurrencyLimits().isEmpty()) {
            // a share of calls at once that grew starts the callers waiting for it
            scheduler.scheduleWithFixedDelay(() -> guards.concurrencyLimits().values().forEach(AsyncBulkhead::pump),
                    100, 100, TimeUnit.MILLISECONDS);
        }
        guards.all().forEach(metrics::register);
        guards.rateLimits().forEach((id, limit) ->
                metrics.rateLimit(id, () -> share(id), limit::groupRatePerMinute, limit::ratePerMinute));
        this.endpoints = new HashMap<>();
        catalog.config().providers().forEach((name, provider) -> endpoints.put(name, endpoint(name, provider, clock)));
        HealthReporter health = new HealthReporter(guards, metrics, clock, workerId);
        RunContext ctx = new RunContext(catalog, guards, endpoints, timer, clock, System::nanoTime, metrics, workerId);
        try {
            this.loop = new AssignmentLoop(catalog, bootstrapServers, workerId, ctx, health);
        } catch (RuntimeException e) {
            // e.g. the broker is unreachable and the producer cannot initialise its transactions
            endpoints.values().forEach(endpoint -> endpoint.transport().close());
            scheduler.shutdownNow();
            closeQuotaGroup();
            throw e;
        }
        this.thread = new Thread(loop, "worker-" + workerId + "-kafka");
        thread.start();
    }

    /**
     * The workers of one group share every rate limit through heartbeats on this topic; its name
     * follows the group's, so pipelines with different prefixes never share limits by accident.
     */
    public static String quotaTopic(Catalog catalog) {
        return catalog.config().worker().groupId() + ".quota-members";
    }

    private ProviderEndpoint endpoint(String name, ProviderConfig provider, Clock clock) {
        boolean cleartext = "http".equals(URI.create(provider.baseUrl()).getScheme());
        return new ProviderEndpoint(name, provider, ProviderAdapter.forKind(provider.kind(), clock),
                new HttpTransport(provider.http(), cleartext, scheduler));
    }

    /** Creates missing topics and starts consuming. */
    public static Worker start(Catalog catalog, String bootstrapServers, String workerId) {
        return start(catalog, bootstrapServers, workerId, Options.defaults());
    }

    public static Worker start(Catalog catalog, String bootstrapServers, String workerId, Options options) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            TopicPlan.create(admin, catalog.topics());
            TopicLeaders.await(admin, TopicPlan.topics(catalog.topics()).stream().map(t -> t.name()).toList(),
                    Duration.ofSeconds(30));
        }
        LOG.info("worker {} starting: group {}, {} providers, {} models, max {} in flight", workerId,
                catalog.config().worker().groupId(), catalog.config().providers().size(),
                catalog.config().models().size(), catalog.config().worker().maxInFlight());
        return new Worker(catalog, bootstrapServers, workerId, options);
    }

    public WorkerStats stats() {
        Map<String, Long> calls = new HashMap<>();
        Map<String, Long> opened = new HashMap<>();
        Map<String, String> states = new HashMap<>();
        for (ModelGuard g : guards.all()) {
            GuardState state = g.state();
            calls.put(g.model(), state.calls());
            if (state.breakerOpenedAfterCalls() >= 0) {
                opened.put(g.model(), state.breakerOpenedAfterCalls());
            }
            states.put(g.model(), state.breaker().name());
        }
        return new WorkerStats(metrics.callsInFlight(), metrics.callsInFlightMax(), metrics.requestsInFlight(),
                metrics.requestsInFlightMax(), loop.backlogSize(), loop.outboxSize(), metrics.providerCalls(), metrics.completed(), metrics.failed(),
                metrics.shadowCompleted(), metrics.deadLetteredCount(), metrics.retries(), metrics.failovers(),
                metrics.rateLimitWaits(), calls, opened, states);
    }

    /**
     * This worker's part of a shared rate limit now, in [0, 1] ({@code requests:<provider>},
     * {@code tokens:<provider>/<model>} ...); 0 until the worker group has heard it for its grace.
     */
    public double share(String limitId) {
        QuotaGroup g = quota.get();
        return g == null ? 1.0 : g.fraction(limitId);
    }

    private synchronized void joinQuotaGroup() {
        if (quota.get() == null && !closed) {
            quota.set(joinQuota.get());
        }
    }

    private synchronized void closeQuotaGroup() {
        QuotaGroup g = quota.getAndSet(null);
        if (g != null) {
            g.close();
        }
    }

    /** This worker's pace of a shared rate limit, per minute (its share of the group's rate, less a margin). */
    public double ratePerMinute(String limitId) {
        var limit = guards.rateLimits().get(limitId);
        return limit == null ? Double.POSITIVE_INFINITY : limit.ratePerMinute();
    }

    public MeterRegistry meterRegistry() {
        return metrics.registry();
    }

    /**
     * Waits until the worker's Kafka loop has ended: after {@link #close()}, or on its own when it
     * cannot go on (another process took its identity, its clients could not start again, an error
     * on its thread); the loop logs why.
     */
    public void awaitStopped() throws InterruptedException {
        thread.join();
    }

    /**
     * Stops taking assignments, lets in-flight requests finish for {@code worker.shutdownGraceMs},
     * commits what finished and abandons the rest uncommitted (another worker will redo it).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        loop.stop();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // only now, with no call left to make, may the others take this worker's share
        closeQuotaGroup();
        endpoints.values().forEach(e -> e.transport().close());
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("worker stopped: {}", stats());
    }

    /**
     * How to run a worker beyond the catalog (Kafka client tuning is in the catalog: {@code worker.kafka}).
     *
     * @param clock    time of deadlines, cooldowns and breakers
     * @param registry where the meters go
     */
    public record Options(Clock clock, MeterRegistry registry) {
        public static Options defaults() {
            return new Options(Clock.systemUTC(), new SimpleMeterRegistry());
        }

        public Options withRegistry(MeterRegistry registry) {
            return new Options(clock, registry);
        }
    }
}
