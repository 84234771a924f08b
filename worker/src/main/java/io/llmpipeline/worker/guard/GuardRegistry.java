package io.llmpipeline.worker.guard;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.GuardsConfig;
import io.llmpipeline.catalog.ProviderConfig;

/**
 * Builds the guards of every catalog model once. A provider's rate limits and bulkhead are
 * shared by its models; a model's own limits come on top.
 */
public final class GuardRegistry {
    /**
     * The limiters' window: a minute plus a margin for the time a call takes to reach the
     * provider, so a provider counting in its own sliding minute never sees more than the limit.
     */
    static final long WINDOW_MS = 61_000;

    private final Map<String, ModelGuard> byModel = new HashMap<>();

    public GuardRegistry(Catalog catalog, Clock clock, Executor handoff) {
        Map<String, Shared> shared = new HashMap<>();
        catalog.config().providers().forEach((name, provider) ->
                shared.put(name, Shared.of(provider.guards().resolvedOver(null), clock, handoff)));
        catalog.config().models().forEach((name, model) -> {
            ProviderConfig provider = catalog.provider(model.provider());
            GuardsConfig own = model.guards() == null ? GuardsConfig.defaults() : model.guards();
            GuardsConfig resolved = own.resolvedOver(provider.guards());
            Shared providerLevel = shared.get(model.provider());
            Shared modelLevel = Shared.of(own.resolvedOver(null), clock, handoff);
            List<SlidingWindowLimiter> requests = new ArrayList<>(providerLevel.requests());
            requests.addAll(modelLevel.requests());
            List<SlidingWindowLimiter> tokens = new ArrayList<>(providerLevel.tokens());
            tokens.addAll(modelLevel.tokens());
            List<AsyncBulkhead> bulkheads = new ArrayList<>(providerLevel.bulkheads());
            bulkheads.addAll(modelLevel.bulkheads());
            RetrySchedule retry = new RetrySchedule(resolved.retryInitialBackoffMs(), resolved.retryMultiplier(),
                    Math.max(resolved.retryInitialBackoffMs(), resolved.retryMaxBackoffMs()), resolved.retryJitter(),
                    () -> ThreadLocalRandom.current().nextDouble());
            byModel.put(name, new ModelGuard(model.provider(), name, resolved, clock, retry, requests, tokens, bulkheads,
                    handoff));
        });
    }

    public Optional<ModelGuard> forModel(String model) {
        return Optional.ofNullable(byModel.get(model));
    }

    public Collection<ModelGuard> all() {
        return byModel.values();
    }

    private record Shared(List<SlidingWindowLimiter> requests, List<SlidingWindowLimiter> tokens,
                          List<AsyncBulkhead> bulkheads) {
        static Shared of(GuardsConfig g, Clock clock, Executor handoff) {
            List<SlidingWindowLimiter> requests = g.requestsPerMinute() == null ? List.of()
                    : List.of(new SlidingWindowLimiter(g.requestsPerMinute(), WINDOW_MS, clock));
            List<SlidingWindowLimiter> tokens = g.tokensPerMinute() == null ? List.of()
                    : List.of(new SlidingWindowLimiter(g.tokensPerMinute(), WINDOW_MS, clock));
            List<AsyncBulkhead> bulkheads = g.maxConcurrentCalls() == null ? List.of()
                    : List.of(new AsyncBulkhead(g.maxConcurrentCalls(), handoff));
            return new Shared(requests, tokens, bulkheads);
        }
    }

}
