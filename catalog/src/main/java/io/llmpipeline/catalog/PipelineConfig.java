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
 * @param tenants   tenants of the HTTP API, keyed by tenant id
 * @param apiKeys   API keys of the HTTP API, each calling as one tenant (stored as SHA-256 hashes)
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
        MetricsConfig metrics,
        Map<String, TenantConfig> tenants,
        List<ApiKeyConfig> apiKeys) {

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
        tenants = tenants == null ? Map.of() : Map.copyOf(tenants);
        apiKeys = apiKeys == null ? List.of() : List.copyOf(apiKeys);
    }

    /** Without the analytics, metrics, tenants and API keys sections (their defaults). */
    public PipelineConfig(TopicsConfig topics, Map<String, ProviderConfig> providers, Map<String, ModelConfig> models,
                          List<RouteConfig> routes, BudgetsConfig budgets, CacheConfig cache, RouterConfig router,
                          WorkerConfig worker) {
        this(topics, providers, models, routes, budgets, cache, router, worker, null, null, null, null);
    }

    public PipelineConfig withProviders(Map<String, ProviderConfig> newProviders) {
        return new PipelineConfig(topics, newProviders, models, routes, budgets, cache, router, worker, analytics, metrics,
                tenants, apiKeys);
    }

    public PipelineConfig withWorker(WorkerConfig newWorker) {
        return new PipelineConfig(topics, providers, models, routes, budgets, cache, router, newWorker, analytics, metrics,
                tenants, apiKeys);
    }

    public PipelineConfig withTenants(Map<String, TenantConfig> newTenants, List<ApiKeyConfig> newApiKeys) {
        return new PipelineConfig(topics, providers, models, routes, budgets, cache, router, worker, analytics, metrics,
                newTenants, newApiKeys);
    }
}
