package io.llmpipeline.worker.guard;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.GuardsConfig;
import io.llmpipeline.catalog.ModelKey;
import io.llmpipeline.catalog.ProviderConfig;

/**
 * Builds the guards of every catalog model once. A provider's rate limits and bulkhead are
 * shared by its models; a model's own limits come on top. Each rate limit and each limit of calls
 * at once is this worker's share of a limit the whole worker group holds ({@link LimitShares}); the
 * registry tells the group what each limit is now and how much of it this worker would use.
 */
public final class GuardRegistry {
    private final Map<String, ModelGuard> byModel = new HashMap<>();
    private final Map<String, SharedRateLimit> limits = new ConcurrentHashMap<>();
    private final Map<String, ConcurrencyLimit> concurrency = new LinkedHashMap<>();
    private final Clock clock;
    private final LimitShares shares;
    private volatile Consumer<SharedRateLimit> onLearned = limit -> { };

    /** A worker alone: it holds the whole of every limit. */
    public GuardRegistry(Catalog catalog, Clock clock, Executor handoff) {
        this(catalog, clock, handoff, LimitShares.WHOLE);
    }

    public GuardRegistry(Catalog catalog, Clock clock, Executor handoff, LimitShares shares) {
        this.clock = clock;
        this.shares = shares;
        Map<String, Shared> shared = new HashMap<>();
        catalog.config().providers().forEach((name, provider) ->
                shared.put(name, shared(name, provider.guards().resolvedOver(null), shares, handoff)));
        catalog.config().models().forEach((name, model) -> {
            ProviderConfig provider = catalog.provider(model.provider());
            GuardsConfig own = model.guards() == null ? GuardsConfig.defaults() : model.guards();
            GuardsConfig resolved = own.resolvedOver(provider.guards());
            Shared providerLevel = shared.get(model.provider());
            Shared modelLevel = shared(ModelKey.of(model.provider(), name), own.resolvedOver(null), shares, handoff);
            List<SharedRateLimit> requests = new ArrayList<>(providerLevel.requests());
            requests.addAll(modelLevel.requests());
            List<SharedRateLimit> tokens = new ArrayList<>(providerLevel.tokens());
            tokens.addAll(modelLevel.tokens());
            List<AsyncBulkhead> bulkheads = new ArrayList<>(providerLevel.bulkheads());
            bulkheads.addAll(modelLevel.bulkheads());
            RetrySchedule retry = new RetrySchedule(resolved.retryInitialBackoffMs(), resolved.retryMultiplier(),
                    Math.max(resolved.retryInitialBackoffMs(), resolved.retryMaxBackoffMs()), resolved.retryJitter(),
                    () -> ThreadLocalRandom.current().nextDouble());
            ModelGuard guard = new ModelGuard(model.provider(), name, resolved, clock, retry, requests, tokens, bulkheads, handoff);
            guard.learnLimitsWith(this::learn);
            byModel.put(name, guard);
        });
    }

    /** Told of every limit learnt from a provider's headers (the worker joins its group for it). */
    public void onLimitLearned(Consumer<SharedRateLimit> listener) {
        this.onLearned = listener;
    }

    /**
     * A provider announced a limit the catalog does not set: it becomes a provider-wide limit of
     * every model of that provider, held by the group like a configured one (the announced figure is
     * its ceiling too). Once per limit; later announcements adapt it as usual.
     */
    private void learn(String provider, LimitLearner.Kind kind, double announcedPerMinute) {
        String id = kind.idFor(provider);
        SharedRateLimit learnt;
        synchronized (limits) {
            if (limits.containsKey(id)) {
                return;
            }
            double burst = kind == LimitLearner.Kind.TOKENS ? announcedPerMinute / 120.0 : 1;
            learnt = new SharedRateLimit(id, announcedPerMinute, burst, shares, clock.millis());
            limits.put(id, learnt);
        }
        byModel.values().stream().filter(g -> g.provider().equals(provider)).forEach(g -> g.adopt(kind, learnt));
        onLearned.accept(learnt);
    }

    public Optional<ModelGuard> forModel(String model) {
        return Optional.ofNullable(byModel.get(model));
    }

    public Collection<ModelGuard> all() {
        return byModel.values();
    }

    /** Every rate limit, by the id the worker group knows it by; empty when the catalog sets none. */
    public Map<String, SharedRateLimit> rateLimits() {
        return Collections.unmodifiableMap(limits);
    }

    /** Every limit of calls at once, by the id the worker group knows it by ({@code concurrent:<provider>[/<model>]}). */
    public Map<String, AsyncBulkhead> concurrencyLimits() {
        Map<String, AsyncBulkhead> out = new LinkedHashMap<>();
        concurrency.forEach((id, l) -> out.put(id, l.bulkhead()));
        return out;
    }

    /** Whether the group splits {@code limitId} in whole calls rather than as a rate. */
    public boolean countsCalls(String limitId) {
        return concurrency.containsKey(limitId);
    }

    /**
     * Each limit's size as this worker sees it now: per minute for rates (they adapt to the
     * provider), calls at once for concurrency limits.
     */
    public Map<String, Double> limitSizes() {
        Map<String, Double> sizes = new HashMap<>();
        limits.forEach((id, l) -> sizes.put(id, l.groupRatePerMinute()));
        concurrency.forEach((id, l) -> sizes.put(id, (double) l.size()));
        return sizes;
    }

    /**
     * What this worker would use of each limit, in the limit's own unit: the whole of it while
     * callers had to wait (it would take any room it is given), else what it uses.
     */
    public Map<String, Double> demands() {
        long now = clock.millis();
        Map<String, Double> demand = new HashMap<>();
        limits.forEach((id, l) -> demand.put(id, l.demandPerMinute(now)));
        concurrency.forEach((id, l) -> demand.put(id, (double) (l.bulkhead().waiting() > 0 ? l.size() : l.bulkhead().active())));
        return demand;
    }

    private record ConcurrencyLimit(int size, AsyncBulkhead bulkhead) {
    }

    /** @param owner a provider's name, or a model's key */
    private Shared shared(String owner, GuardsConfig g, LimitShares shares, Executor handoff) {
        long now = clock.millis();
        List<SharedRateLimit> requests = g.requestsPerMinute() == null ? List.of()
                : List.of(limit("requests:" + owner, g.requestsPerMinute(), 1, shares, now));
        // a token burst of half a second's worth: enough for the usual call, little to overshoot by
        List<SharedRateLimit> tokens = g.tokensPerMinute() == null ? List.of()
                : List.of(limit("tokens:" + owner, g.tokensPerMinute(), g.tokensPerMinute() / 120.0, shares, now));
        List<AsyncBulkhead> bulkheads = g.maxConcurrentCalls() == null ? List.of()
                : List.of(concurrencyLimit("concurrent:" + owner, g.maxConcurrentCalls(), shares, handoff));
        return new Shared(requests, tokens, bulkheads);
    }

    /** This worker's whole calls of a limit the group shares: the share is a whole number of calls over the size. */
    private AsyncBulkhead concurrencyLimit(String id, int size, LimitShares shares, Executor handoff) {
        if (size < 1) {
            throw new IllegalArgumentException("limit " + id + " must be positive, got " + size);
        }
        AsyncBulkhead bulkhead = new AsyncBulkhead(() -> (int) Math.floor(shares.fraction(id) * size + 1e-9), handoff);
        concurrency.put(id, new ConcurrencyLimit(size, bulkhead));
        return bulkhead;
    }

    private SharedRateLimit limit(String id, double perMinute, double burst, LimitShares shares, long now) {
        SharedRateLimit l = new SharedRateLimit(id, perMinute, burst, shares, now);
        limits.put(id, l);
        return l;
    }

    private record Shared(List<SharedRateLimit> requests, List<SharedRateLimit> tokens, List<AsyncBulkhead> bulkheads) {
    }
}
