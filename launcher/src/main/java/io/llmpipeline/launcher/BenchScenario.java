package io.llmpipeline.launcher;

import java.util.HashMap;
import java.util.Map;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.GuardsConfig;
import io.llmpipeline.catalog.ModelConfig;
import io.llmpipeline.catalog.ProviderConfig;
import io.llmpipeline.sim.FaultScript;
import io.llmpipeline.sim.ProviderSimulator;

/** What a bench run does to the providers, and what it reports about it. */
enum BenchScenario {
    /** Healthy providers at the chosen latency. */
    NONE,
    /** The bench route's primary model is hard down (every call 503); its fallback is healthy. */
    PRIMARY_DOWN,
    /**
     * The provider allows a number of requests per minute and answers 429 with Retry-After to a
     * share of calls besides; the catalog knows the limit, so the worker should never exceed it.
     */
    RATE_LIMIT_STORM,
    /** The provider allows a number of requests per minute and nothing goes wrong otherwise: how close to it the workers run. */
    RATE_LIMIT,
    /**
     * A second router instance runs in its own JVM; mid-run it is killed with kill -9 (SIGKILL), and
     * the longest gap between two results tells how long routing stalled.
     */
    ROUTER_KILL;

    /** Share of calls the storm answers with 429 even under the limit. */
    static final double STORM_429_RATE = 0.2;
    static final int STORM_RETRY_AFTER_SECONDS = 1;

    static BenchScenario parse(String name) {
        return valueOf(name.strip().toUpperCase().replace('-', '_'));
    }

    String label() {
        return name().toLowerCase().replace('_', '-');
    }

    /** The catalog the scenario runs with. */
    Catalog adjust(Catalog catalog, String taskType, int rpmLimit) {
        if (!limited()) {
            return catalog;
        }
        String provider = catalog.requireModel(primaryModel(catalog, taskType)).provider();
        return catalog.with(c -> {
            Map<String, ProviderConfig> providers = new HashMap<>(c.providers());
            ProviderConfig p = providers.get(provider);
            GuardsConfig limited = GuardsConfig.builder().requestsPerMinute(rpmLimit).build().resolvedOver(p.guards());
            providers.put(provider, new ProviderConfig(p.kind(), p.baseUrl(), p.apiKeyEnv(), p.http(), limited));
            return c.withProviders(providers);
        });
    }

    /** Turns the fault on; called after the healthy warm-up (and baseline). */
    void inject(ProviderSimulator simulator, Catalog catalog, String taskType, int latencyMs, int rpmLimit) {
        FaultScript healthy = FaultScript.none().withLatency(latencyMs, 0);
        switch (this) {
            case NONE, ROUTER_KILL -> simulator.script("*", healthy);
            case RATE_LIMIT -> simulator.script("*", healthy.toBuilder().requestsPerMinute(rpmLimit).build());
            case PRIMARY_DOWN -> simulator.script(wireName(catalog, primaryModel(catalog, taskType)),
                    healthy.toBuilder().down(true).errorStatus(503).build());
            case RATE_LIMIT_STORM -> simulator.script("*", healthy.toBuilder()
                    .requestsPerMinute(rpmLimit)
                    .errorRate(STORM_429_RATE).errorStatus(429).retryAfterSeconds(STORM_RETRY_AFTER_SECONDS)
                    .build());
        }
    }

    /** The provider enforces a requests-per-minute limit. */
    boolean limited() {
        return this == RATE_LIMIT_STORM || this == RATE_LIMIT;
    }

    static String primaryModel(Catalog catalog, String taskType) {
        return catalog.routeFor(taskType).orElseThrow().candidates().get(0);
    }

    /** The name the provider sees, which the simulator scripts by. */
    static String wireName(Catalog catalog, String model) {
        ModelConfig config = catalog.requireModel(model);
        return config.providerModel() == null ? model : config.providerModel();
    }
}
