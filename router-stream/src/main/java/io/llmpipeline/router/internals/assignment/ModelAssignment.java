package io.llmpipeline.router.internals.assignment;

import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

import io.llmpipeline.catalog.ModelKey;
import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.CostCalculator;
import io.llmpipeline.catalog.ModelConfig;
import io.llmpipeline.catalog.RouteConfig;
import io.llmpipeline.catalog.TokenCounter;
import io.llmpipeline.catalog.TokenizerKind;
import io.llmpipeline.router.internals.Step;
import io.llmpipeline.router.internals.TerminalResults;
import io.llmpipeline.router.internals.coalescing.CacheKeys;
import io.llmpipeline.router.internals.coalescing.CarriedCacheKey;
import io.llmpipeline.router.internals.intake.PromptCompression;
import io.llmpipeline.router.internals.intake.Rejection;
import io.llmpipeline.schemas.BreakerState;
import io.llmpipeline.schemas.ChatMessage;
import io.llmpipeline.schemas.ErrorKind;
import io.llmpipeline.schemas.LlmAssignment;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.ModelRef;
import io.llmpipeline.schemas.ProviderHealth;

/**
 * Chooses the model that answers a request. The route is the longest matching task-type prefix;
 * an allowed pin replaces its candidates. Candidates whose breaker is open or that are cooling down
 * (provider health, a global table) are skipped, and so are those whose context window cannot hold
 * the prompt plus the output asked for — a larger-context candidate takes over, or the request
 * fails with CONTEXT_OVERFLOW. The rest are ranked by the route's strategy from live statistics;
 * the first answers, the others are the worker's fallback chain.
 * <p>
 * The reservation is the worst case over the whole chain, since the worker may fail over to any of
 * its models. The cache key comes with the record from the cache stage ({@link CarriedCacheKey}).
 */
public final class ModelAssignment extends ContextualProcessor<String, LlmRequest, String, Step<LlmAssignment>> {
    public static final String HEALTH_STORE = "provider-health";
    public static final String STATS_STORE = "model-stats";

    private final Catalog catalog;
    private final CacheKeys cacheKeys;
    private final Clock clock;
    private KeyValueStore<String, ValueAndTimestamp<ProviderHealth>> health;
    private ModelStatsView stats;

    public ModelAssignment(Catalog catalog, Clock clock) {
        this.catalog = catalog;
        this.cacheKeys = new CacheKeys(catalog);
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, Step<LlmAssignment>> context) {
        super.init(context);
        health = context.getStateStore(HEALTH_STORE);
        KeyValueStore<String, ValueAndTimestamp<ModelStats>> partials = context.getStateStore(STATS_STORE);
        stats = new ModelStatsView(partials);
    }

    @Override
    public void process(Record<String, LlmRequest> record) {
        LlmRequest request = record.value();
        long now = clock.millis();
        String cacheKey = CarriedCacheKey.cacheKeyOf(record.key(), request, cacheKeys);
        Optional<RouteConfig> route = catalog.routeFor(request.getTaskType());
        if (route.isEmpty()) {
            reject(record, cacheKey, new Rejection(ErrorKind.NO_ROUTE, "no route matches task_type '" + request.getTaskType()
                    + "' and the catalog has no default route"), now);
            return;
        }
        List<String> names;
        if (request.getModel() != null) {
            Optional<Rejection> pinProblem = checkPin(route.get(), request.getModel());
            if (pinProblem.isPresent()) {
                reject(record, cacheKey, pinProblem.get(), now);
                return;
            }
            names = List.of(request.getModel());
        } else {
            names = route.get().candidates();
        }
        Integer maxTokens = request.getParams() == null ? null : request.getParams().getMaxTokens();
        Map<TokenizerKind, Integer> exactCounts = new EnumMap<>(TokenizerKind.class);
        List<Candidate> usable = new ArrayList<>();
        List<Candidate> recovering = new ArrayList<>();
        List<String> tooSmall = new ArrayList<>();
        List<String> unavailable = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            ModelConfig model = catalog.requireModel(name);
            ModelStats modelStats = stats.of(ModelKey.of(model.provider(), name), now);
            int tokens = count(model.tokenizer(), request.getMessages(), modelStats, exactCounts);
            String down = unavailability(ModelKey.of(model.provider(), name), now);
            if (down != null) {
                unavailable.add(name + " (" + down + ")");
                if (isForcedOpen(ModelKey.of(model.provider(), name))) {
                    continue;
                }
            }
            int room = model.contextWindow() - tokens;
            int output = maxTokens != null ? maxTokens : Math.min(model.maxOutputTokens(), room);
            if (output < 1 || output > room || output > model.maxOutputTokens()) {
                tooSmall.add(name + " (window " + model.contextWindow() + ", max output " + model.maxOutputTokens()
                        + ", prompt " + tokens + ")");
                continue;
            }
            Candidate candidate = new Candidate(name, model, i, tokens, TokenCounter.isExact(model.tokenizer()), output,
                    CostCalculator.worstCaseMicros(model.price(), tokens, output), modelStats);
            (down == null ? usable : recovering).add(candidate);
        }
        // Healthy candidates first. Those whose breaker is open or that cool down come last, not never:
        // when every candidate is down the worker waits for the first to recover, within the request's
        // deadline, instead of the request failing at once. Only a breaker forced open rules a model out.
        List<Candidate> ranked = new ArrayList<>(CandidateRanking.rank(route.get().strategy(), route.get().minTier(), usable));
        ranked.addAll(CandidateRanking.rank(route.get().strategy(), route.get().minTier(), recovering));
        if (ranked.isEmpty()) {
            reject(record, cacheKey, noCandidate(route.get(), usable, tooSmall, unavailable, maxTokens), now);
            return;
        }
        Candidate target = ranked.getFirst();
        List<ModelRef> fallback = new ArrayList<>();
        long reserve = 0;
        for (Candidate c : ranked) {
            reserve = Math.max(reserve, c.worstCaseMicros());
            if (c != target) {
                fallback.add(catalog.ref(c.name()));
            }
        }
        LlmAssignment assignment = LlmAssignment.newBuilder()
                .setRequest(request)
                .setRoute(route.get().match())
                .setTarget(catalog.ref(target.name()))
                .setFallbackChain(fallback)
                .setEstimatedInputTokens(target.inputTokens())
                .setExactTokenCount(target.exact())
                .setEstimatedCostMicros(reserve)
                .setSavedPromptChars(PromptCompression.savedChars(record))
                .setCacheKey(cacheKey)
                .setCacheTtlSeconds(cacheKey == null ? null : cacheKeys.ttlSeconds(request))
                .setAssignedAtMs(now)
                .build();
        context().forward(record.withKey(request.getRequestId()).withValue(Step.next(assignment)));
    }

    private Rejection noCandidate(RouteConfig route, List<Candidate> usable, List<String> tooSmall, List<String> unavailable,
                                  Integer maxTokens) {
        if (!usable.isEmpty()) {
            return new Rejection(unavailable.isEmpty() ? ErrorKind.NO_ROUTE : ErrorKind.UNAVAILABLE, "no available candidate of route '"
                    + route.match() + "' reaches capability tier " + route.minTier()
                    + (unavailable.isEmpty() ? "" : "; unavailable: " + String.join(", ", unavailable)));
        }
        if (!tooSmall.isEmpty()) {
            return new Rejection(ErrorKind.CONTEXT_OVERFLOW, "the prompt plus " + (maxTokens == null ? "any output"
                    : maxTokens + " output tokens") + " does not fit any available candidate: " + String.join(", ", tooSmall)
                    + (unavailable.isEmpty() ? "" : "; unavailable: " + String.join(", ", unavailable)));
        }
        return new Rejection(ErrorKind.UNAVAILABLE, "every candidate is unavailable: " + String.join(", ", unavailable));
    }

    private boolean isForcedOpen(String key) {
        ValueAndTimestamp<ProviderHealth> entry = health.get(key);
        return entry != null && entry.value() != null && entry.value().getBreakerState() == BreakerState.FORCED_OPEN;
    }

    /** Why the model may not be used now, or null when it may. */
    private String unavailability(String key, long now) {
        ValueAndTimestamp<ProviderHealth> entry = health.get(key);
        ProviderHealth h = entry == null ? null : entry.value();
        if (h == null) {
            return null;
        }
        if (h.getBreakerState() == BreakerState.OPEN || h.getBreakerState() == BreakerState.FORCED_OPEN) {
            return "breaker " + h.getBreakerState();
        }
        if (h.getCooldownUntilMs() != null && h.getCooldownUntilMs() > now) {
            return "cooling down for " + (h.getCooldownUntilMs() - now) + " ms";
        }
        return null;
    }

    /** Exact counts are shared between candidates with the same encoding; estimates use each model's calibration. */
    private static int count(TokenizerKind kind, List<ChatMessage> messages, ModelStats stats, Map<TokenizerKind, Integer> exact) {
        if (TokenCounter.isExact(kind)) {
            return exact.computeIfAbsent(kind, k -> TokenCounter.count(k, messages));
        }
        double charsPerToken = stats.calibrationSamples() > 0 ? stats.charsPerToken() : TokenCounter.DEFAULT_CHARS_PER_TOKEN;
        return TokenCounter.count(kind, messages, charsPerToken);
    }

    private Optional<Rejection> checkPin(RouteConfig route, String pin) {
        if (catalog.model(pin).isEmpty()) {
            return Optional.of(Rejection.invalid("model '" + pin + "' is not in the catalog; known models: "
                    + new java.util.TreeSet<>(catalog.config().models().keySet())));
        }
        if (!route.allowPin()) {
            return Optional.of(Rejection.invalid("route '" + route.match() + "' does not allow pinning a model"));
        }
        if (!route.pinAny() && !route.candidates().contains(pin)) {
            return Optional.of(Rejection.invalid("model '" + pin + "' is not allowed on route '" + route.match()
                    + "'; allowed: " + route.candidates()));
        }
        return Optional.empty();
    }

    /** The result carries the cache key, so identical requests waiting on this one are released. */
    private void reject(Record<String, LlmRequest> record, String cacheKey, Rejection rejection, long now) {
        context().forward(record.withKey(record.value().getRequestId()).withValue(Step.answer(TerminalResults.error(
                record.value(), cacheKey, rejection.kind(), rejection.message(), now))));
    }
}
