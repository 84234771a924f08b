package io.llmpipeline.catalog;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.llmpipeline.schemas.Priority;

/** Checks what types alone cannot: references, ranges, URLs. Each problem names its path. */
final class CatalogValidator {
    private CatalogValidator() {
    }

    static List<ConfigProblem> validate(PipelineConfig config) {
        List<ConfigProblem> problems = new ArrayList<>();
        topics(config.topics(), problems);
        config.providers().forEach((name, provider) -> provider("providers." + name, provider, problems));
        config.models().forEach((name, model) -> model("models." + name, model, config.providers(), problems));
        routes(config, problems);
        budgets(config, problems);
        positive("cache.ttlSeconds", config.cache().ttlSeconds(), problems);
        positive("cache.maxEntryBytes", config.cache().maxEntryBytes(), problems);
        positive("cache.inFlightTimeoutSeconds", config.cache().inFlightTimeoutSeconds(), problems);
        positive("cache.compressAboveBytes", config.cache().compressAboveBytes(), problems);
        positive("router.commitIntervalMs", config.router().commitIntervalMs(), problems);
        if (config.budgets().alertThresholds().stream().distinct().count() != config.budgets().alertThresholds().size()) {
            problems.add(new ConfigProblem("budgets.alertThresholds", "lists a threshold twice"));
        }
        String guarantee = config.router().processingGuarantee();
        if (!guarantee.equals("exactly_once_v2") && !guarantee.equals("at_least_once")) {
            problems.add(new ConfigProblem("router.processingGuarantee",
                    "'" + guarantee + "' is not valid; expected exactly_once_v2 or at_least_once"));
        }
        positive("router.threads", config.router().threads(), problems);
        positive("router.sessionTimeoutMs", config.router().sessionTimeoutMs(), problems);
        if (config.router().standbyReplicas() < 0) {
            problems.add(new ConfigProblem("router.standbyReplicas", "must be 0 or more, was " + config.router().standbyReplicas()));
        }
        positive("router.idempotencyRetentionSeconds", config.router().idempotencyRetentionSeconds(), problems);
        positive("router.duplicateWindowSeconds", config.router().duplicateWindowSeconds(), problems);
        positive("router.idempotencyInFlightTimeoutSeconds", config.router().idempotencyInFlightTimeoutSeconds(), problems);
        positive("worker.maxInFlight", config.worker().maxInFlight(), problems);
        analytics(config.analytics(), problems);
        port("metrics.routerPort", config.metrics().routerPort(), problems);
        port("metrics.workerPort", config.metrics().workerPort(), problems);
        TenantsValidator.validate(config, problems);
        problems.addAll(config.worker().kafka().problems("worker.kafka"));
        return problems;
    }

    private static final java.util.regex.Pattern LABEL_KEY = java.util.regex.Pattern.compile("[A-Za-z0-9_.-]+");

    private static void analytics(AnalyticsConfig analytics, List<ConfigProblem> problems) {
        List<String> keys = analytics.labelKeys();
        if (keys.size() > AnalyticsConfig.MAX_LABEL_KEYS) {
            problems.add(new ConfigProblem("analytics.labelKeys", keys.size() + " keys; at most "
                    + AnalyticsConfig.MAX_LABEL_KEYS + " (labels are copied onto every invocation event)"));
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            if (key == null || !LABEL_KEY.matcher(key).matches()) {
                problems.add(new ConfigProblem("analytics.labelKeys[" + i + "]", "'" + key
                        + "' is not valid; expected letters, digits, _ . - (e.g. team, batch_id)"));
            } else if (!seen.add(key)) {
                problems.add(new ConfigProblem("analytics.labelKeys[" + i + "]", "'" + key + "' is listed twice"));
            }
        }
        positive("analytics.maxLabelChars", analytics.maxLabelChars(), problems);
    }

    private static void port(String path, Integer port, List<ConfigProblem> problems) {
        if (port != null && (port < 0 || port > 65_535)) {
            problems.add(new ConfigProblem(path, port + " is not valid; expected a port 1 to 65535, or 0 for any free port"));
        }
    }

    private static void topics(TopicsConfig topics, List<ConfigProblem> problems) {
        for (Priority priority : Priority.values()) {
            Integer count = topics.bands().get(priority);
            if (count == null || count < 1) {
                problems.add(new ConfigProblem("topics.bands." + priority,
                        "every priority needs a band of at least 1 partition (got " + count + ")"));
            }
        }
        positive("topics.partitions", topics.partitions(), problems);
        if (topics.replicationFactor() < 1) {
            problems.add(new ConfigProblem("topics.replicationFactor", "must be at least 1"));
        }
    }

    private static void provider(String path, ProviderConfig provider, List<ConfigProblem> problems) {
        if (provider.kind() == null) {
            problems.add(new ConfigProblem(path + ".kind", "missing; expected one of openai, anthropic, ollama, gemini"));
        }
        if (provider.baseUrl() == null || provider.baseUrl().isBlank()) {
            problems.add(new ConfigProblem(path + ".baseUrl", "missing; expected an http(s) URL"));
        } else {
            try {
                URI uri = URI.create(provider.baseUrl());
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                    throw new IllegalArgumentException("not http(s) with a host");
                }
            } catch (IllegalArgumentException e) {
                problems.add(new ConfigProblem(path + ".baseUrl",
                        "'" + provider.baseUrl() + "' is not an http(s) URL with a host"));
            }
        }
        positive(path + ".http.maxConnections", provider.http().maxConnections(), problems);
        positive(path + ".http.connectTimeoutMs", provider.http().connectTimeoutMs(), problems);
        positive(path + ".http.responseTimeoutMs", provider.http().responseTimeoutMs(), problems);
        guards(path + ".guards", provider.guards(), problems);
    }

    private static void guards(String path, GuardsConfig guards, List<ConfigProblem> problems) {
        if (guards != null) {
            problems.addAll(guards.problems(path));
        }
    }

    private static void model(String path, ModelConfig model, Map<String, ProviderConfig> providers,
                              List<ConfigProblem> problems) {
        if (model.provider() == null || !providers.containsKey(model.provider())) {
            problems.add(new ConfigProblem(path + ".provider", "'" + model.provider()
                    + "' is not a provider in this file; expected one of " + new java.util.TreeSet<>(providers.keySet())));
        }
        positive(path + ".contextWindow", model.contextWindow(), problems);
        positive(path + ".maxOutputTokens", model.maxOutputTokens(), problems);
        if (model.maxOutputTokens() >= model.contextWindow()) {
            problems.add(new ConfigProblem(path + ".maxOutputTokens", "must be smaller than contextWindow ("
                    + model.contextWindow() + ")"));
        }
        if (model.tier() < 1 || model.tier() > 5) {
            problems.add(new ConfigProblem(path + ".tier", model.tier() + " is not valid; expected 1 to 5"));
        }
        Pricing price = model.price();
        if (price.inputPerMTok().signum() < 0 || price.outputPerMTok().signum() < 0
                || price.cachedInputPerMTok().signum() < 0 || price.cacheWritePerMTok().signum() < 0) {
            problems.add(new ConfigProblem(path + ".price", "prices must be 0 or more (US dollars per million tokens)"));
        }
        guards(path + ".guards", model.guards(), problems);
    }

    private static void routes(PipelineConfig config, List<ConfigProblem> problems) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < config.routes().size(); i++) {
            RouteConfig route = config.routes().get(i);
            String path = "routes[" + i + "]";
            if (!seen.add(route.match())) {
                problems.add(new ConfigProblem(path + ".match", "'" + route.match() + "' is matched by an earlier route too"));
            }
            if (route.candidates().isEmpty()) {
                problems.add(new ConfigProblem(path + ".candidates", "needs at least one model"));
            }
            for (int c = 0; c < route.candidates().size(); c++) {
                modelRef(path + ".candidates[" + c + "]", route.candidates().get(c), config, problems);
            }
            if (route.minTier() < 1 || route.minTier() > 5) {
                problems.add(new ConfigProblem(path + ".minTier", route.minTier() + " is not valid; expected 1 to 5"));
            }
            if (route.cacheTtlSeconds() != null) {
                positive(path + ".cacheTtlSeconds", route.cacheTtlSeconds(), problems);
            }
            if (route.shadow() != null) {
                modelRef(path + ".shadow.model", route.shadow().model(), config, problems);
                if (route.shadow().sampleRate() < 0 || route.shadow().sampleRate() > 1) {
                    problems.add(new ConfigProblem(path + ".shadow.sampleRate", "must be between 0 and 1"));
                }
                if (route.candidates().contains(route.shadow().model())) {
                    problems.add(new ConfigProblem(path + ".shadow.model", "'" + route.shadow().model()
                            + "' is already a candidate of this route; a shadow compares another model"));
                }
            }
            if (route.strategy() == Strategy.CAPABILITY && route.candidates().stream().map(config.models()::get)
                    .filter(java.util.Objects::nonNull).noneMatch(m -> m.tier() >= route.minTier())) {
                problems.add(new ConfigProblem(path + ".minTier", "no candidate reaches tier " + route.minTier()
                        + "; lower minTier or add a more capable model"));
            }
        }
        if (!config.models().isEmpty() && !seen.contains("")) {
            problems.add(new ConfigProblem("routes", "no default route; add one with match: \"\" so every task type has a model"));
        }
    }

    private static void budgets(PipelineConfig config, List<ConfigProblem> problems) {
        List<BudgetLimit> limits = config.budgets().limits();
        for (int i = 0; i < limits.size(); i++) {
            BudgetLimit limit = limits.get(i);
            String path = "budgets.limits[" + i + "]";
            if (limit.scope() == null) {
                problems.add(new ConfigProblem(path + ".scope", "missing; expected tenant, tenant_provider, provider or model"));
            }
            if (limit.key() == null || limit.key().isBlank()) {
                problems.add(new ConfigProblem(path + ".key", "missing; expected a name, or * for each one separately"));
            } else if (limit.scope() != null) {
                budgetKey(path + ".key", limit, config, problems);
            }
            if (limit.limitUsd() == null || limit.limitUsd().signum() <= 0) {
                problems.add(new ConfigProblem(path + ".limitUsd", "must be a positive amount of US dollars"));
            } else if (limit.limitUsd().scale() > 6) {
                problems.add(new ConfigProblem(path + ".limitUsd", "at most 6 decimal places (micro-dollars)"));
            }
        }
        for (int i = 0; i < config.budgets().alertThresholds().size(); i++) {
            int threshold = config.budgets().alertThresholds().get(i);
            if (threshold < 1 || threshold > 100) {
                problems.add(new ConfigProblem("budgets.alertThresholds[" + i + "]", threshold + " is not a percentage 1 to 100"));
            }
        }
        positive("budgets.reservationTimeoutSeconds", config.budgets().reservationTimeoutSeconds(), problems);
        double cutoff = config.budgets().lowPriorityCutoff();
        if (cutoff <= 0 || cutoff > 1) {
            problems.add(new ConfigProblem("budgets.lowPriorityCutoff", "must be above 0 and at most 1"));
        }
    }

    private static void budgetKey(String path, BudgetLimit limit, PipelineConfig config, List<ConfigProblem> problems) {
        String key = limit.key();
        if (key.equals("*")) {
            return;
        }
        switch (limit.scope()) {
            case PROVIDER -> {
                if (!config.providers().containsKey(key)) {
                    problems.add(new ConfigProblem(path, "'" + key + "' is not a provider in this file; expected * or one of "
                            + new java.util.TreeSet<>(config.providers().keySet())));
                }
            }
            case MODEL -> modelRef(path, key, config, problems);
            case TENANT_PROVIDER -> {
                int slash = key.indexOf('/');
                if (slash <= 0 || slash == key.length() - 1) {
                    problems.add(new ConfigProblem(path, "'" + key + "' is not tenant/provider; expected e.g. acme/openai, acme/*, */openai or *"));
                } else {
                    String provider = key.substring(slash + 1);
                    if (!provider.equals("*") && !config.providers().containsKey(provider)) {
                        problems.add(new ConfigProblem(path, "'" + provider + "' is not a provider in this file; expected * or one of "
                                + new java.util.TreeSet<>(config.providers().keySet())));
                    }
                }
            }
            case TENANT -> {
                // any tenant name
            }
        }
    }

    private static void modelRef(String path, String model, PipelineConfig config, List<ConfigProblem> problems) {
        if (model == null || !config.models().containsKey(model)) {
            problems.add(new ConfigProblem(path, "'" + model + "' is not a model in this file; expected one of "
                    + new java.util.TreeSet<>(config.models().keySet())));
        }
    }

    private static void positive(String path, Integer value, List<ConfigProblem> problems) {
        if (value != null && value < 1) {
            problems.add(new ConfigProblem(path, value + " is not valid; expected a positive number"));
        }
    }
}
