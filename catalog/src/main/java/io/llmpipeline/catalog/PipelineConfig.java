package io.llmpipeline.catalog;

import java.util.List;
import java.util.Map;

/**
 * The whole of {@code pipeline.yaml}. Every section has defaults, so a file names only what it
 * changes. Build one with {@link CatalogLoader}; it is validated there.
 *
 * @param topics    topic names and partitions per priority band
 * @param providers provider endpoints, keyed by the name models refer to
 * @param models    models, keyed by the name routes and request pins use
 * @param routes    task-type prefix to candidate models; the longest matching prefix wins
 * @param budgets   spend limits per scope and window
 * @param cache     response cache defaults (routes may override)
 * @param router    router-stream settings
 * @param worker    worker settings
 * @param analytics cost-attribution labels
 * @param metrics   Prometheus endpoints of the router and the worker
 */
public record PipelineConfig(
        TopicsConfig topics,
        Map<String, ProviderConfig> providers,
        Map<String, ModelConfig> models,
        List<RouteConfig> routes,
        BudgetsConfig budgets,
        CacheConfig cache,
        RouterConfig router,
        WorkerConfig worker,
        AnalyticsConfig analytics,
        MetricsConfig metrics) {

    public PipelineConfig {
        topics = topics == null ? TopicsConfig.defaults() : topics;
        providers = providers == null ? Map.of() : Map.copyOf(providers);
        models = models == null ? Map.of() : Map.copyOf(models);
        routes = routes == null ? List.of() : List.copyOf(routes);
        budgets = budgets == null ? BudgetsConfig.defaults() : budgets;
        cache = cache == null ? CacheConfig.defaults() : cache;
        router = router == null ? RouterConfig.defaults() : router;
        worker = worker == null ? WorkerConfig.defaults() : worker;
        analytics = analytics == null ? AnalyticsConfig.defaults() : analytics;
        metrics = metrics == null ? MetricsConfig.defaults() : metrics;
    }

    /** Without the analytics and metrics sections (their defaults). */
    public PipelineConfig(TopicsConfig topics, Map<String, ProviderConfig> providers, Map<String, ModelConfig> models,
                          List<RouteConfig> routes, BudgetsConfig budgets, CacheConfig cache, RouterConfig router,
                          WorkerConfig worker) {
        this(topics, providers, models, routes, budgets, cache, router, worker, null, null);
    }
}
