package io.llmpipeline.catalog;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import io.llmpipeline.schemas.ModelRef;

/** A validated configuration with the lookups every component needs. */
public final class Catalog {
    private final PipelineConfig config;
    private final List<RouteConfig> routesLongestFirst;
    private final PriorityBands bands;

    Catalog(PipelineConfig config) {
        this.config = config;
        this.routesLongestFirst = config.routes().stream()
                .sorted(Comparator.comparingInt((RouteConfig r) -> r.match().length()).reversed())
                .toList();
        this.bands = config.topics().priorityBands();
    }

    /** A changed copy, validated again: a change that breaks the catalog is refused like a bad file. */
    public Catalog with(java.util.function.UnaryOperator<PipelineConfig> change) {
        PipelineConfig changed = change.apply(config);
        java.util.List<ConfigProblem> problems = CatalogValidator.validate(changed);
        if (!problems.isEmpty()) {
            throw new CatalogException("(changed in code)", problems);
        }
        return new Catalog(changed);
    }

    /** The same catalog with the given partitions per priority band. */
    public Catalog withBands(java.util.Map<io.llmpipeline.schemas.Priority, Integer> bands) {
        TopicsConfig t = config.topics();
        TopicsConfig topics = new TopicsConfig(t.requests(), t.assigned(), t.results(), t.invocations(), t.providerHealth(),
                t.budgetAlerts(), t.dlq(), bands, t.partitions(), t.replicationFactor(), t.batches(), t.batchEvents());
        return with(c -> new PipelineConfig(topics, c.providers(), c.models(), c.routes(), c.budgets(), c.cache(),
                c.router(), c.worker(), c.analytics(), c.metrics(), c.tenants(), c.apiKeys()));
    }

    /**
     * The same catalog with every topic name, the router's application id and the worker's group
     * prefixed, so several pipelines (or tests) share one broker without seeing each other.
     */
    public Catalog withNamePrefix(String prefix) {
        TopicsConfig t = config.topics();
        TopicsConfig topics = new TopicsConfig(prefix + t.requests(), prefix + t.assigned(), prefix + t.results(),
                prefix + t.invocations(), prefix + t.providerHealth(), prefix + t.budgetAlerts(), prefix + t.dlq(),
                t.bands(), t.partitions(), t.replicationFactor(), prefix + t.batches(), prefix + t.batchEvents());
        RouterConfig r = config.router();
        WorkerConfig w = config.worker();
        return new Catalog(new PipelineConfig(topics, config.providers(), config.models(), config.routes(),
                config.budgets(), config.cache(),
                r.withApplicationId(prefix + r.applicationId()),
                w.withGroupId(prefix + w.groupId()), config.analytics(), config.metrics(), config.tenants(), config.apiKeys()));
    }

    public PipelineConfig config() {
        return config;
    }

    public TopicsConfig topics() {
        return config.topics();
    }

    public PriorityBands bands() {
        return bands;
    }

    /** The route whose match is the longest prefix of the task type. */
    public Optional<RouteConfig> routeFor(String taskType) {
        return routesLongestFirst.stream().filter(r -> taskType.startsWith(r.match())).findFirst();
    }

    public Optional<ModelConfig> model(String name) {
        return Optional.ofNullable(config.models().get(name));
    }

    public ModelConfig requireModel(String name) {
        return model(name).orElseThrow(() -> new IllegalArgumentException("no model '" + name + "' in the catalog"));
    }

    public ProviderConfig provider(String name) {
        ProviderConfig provider = config.providers().get(name);
        if (provider == null) {
            throw new IllegalArgumentException("no provider '" + name + "' in the catalog");
        }
        return provider;
    }

    public ModelRef ref(String model) {
        return new ModelRef(requireModel(model).provider(), model);
    }
}
