package io.llmpipeline.http;

import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.llmpipeline.batch.BatchTracker;
import io.llmpipeline.catalog.ApiKeyConfig;
import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.CatalogLoader;
import io.llmpipeline.catalog.TenantConfig;
import io.llmpipeline.catalog.TopicPlan;
import io.llmpipeline.http.internal.ApiKeys;
import io.llmpipeline.router.Router;
import io.llmpipeline.sim.ProviderSimulator;
import io.llmpipeline.testkit.KafkaFixture;
import io.llmpipeline.worker.Worker;

/**
 * The real pipeline for the API's tests, once per test class: the shared broker, the provider
 * simulator, the router and a worker, under a unique topic prefix, plus two tenants with keys.
 */
final class PipelineUnderTest implements AutoCloseable {
    static final String ACME_KEY = "sk-acme-test-key";
    static final String GLOBEX_KEY = "sk-globex-test-key";
    /** Two calls, then 429 until the test clock moves. */
    static final String TIGHT_KEY = "sk-acme-tight-key";
    static final String ACME_SECRET = "acme-callback-secret";

    final Catalog catalog;
    final String bootstrap;
    final ProviderSimulator sim;
    private final java.nio.file.Path filesDir = Files.createTempDirectory("http-api-files-");
    private final List<AutoCloseable> started = new ArrayList<>();

    /**
     * One pipeline for every test class of this run (a router takes seconds to start), kept in
     * JUnit's root store so JUnit stops it after the last class, before the JVM's shutdown hooks
     * stop the broker under it.
     */
    static PipelineUnderTest shared(ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(PipelineUnderTest.class, type -> {
                    try {
                        return new PipelineUnderTest("http-api");
                    } catch (Exception e) {
                        throw new IllegalStateException("the pipeline under test did not start", e);
                    }
                }, PipelineUnderTest.class);
    }

    private PipelineUnderTest(String name) throws Exception {
        bootstrap = KafkaFixture.shared().bootstrapServers();
        sim = track(ProviderSimulator.start(0));
        Catalog loaded = CatalogLoader.loadResource(CatalogLoader.DEFAULT_RESOURCE,
                variable -> "LLM_SIM_URL".equals(variable) ? sim.baseUrl() : null);
        catalog = withTestTenants(loaded.withNamePrefix(KafkaFixture.uniquePrefix(name)));
        try (Admin admin = KafkaFixture.shared().admin()) {
            TopicPlan.create(admin, catalog.topics());
        }
        Router router = track(Router.start(catalog, bootstrap, Files.createTempDirectory("http-api-router-"), Map.of()));
        // the batch endpoints read batch states the tracker publishes, as in LocalPipeline
        BatchTracker tracker = track(BatchTracker.start(catalog, bootstrap, Files.createTempDirectory("http-api-batch-tracker-"), Map.of()));
        await().atMost(Duration.ofSeconds(90)).until(() -> router.streams().state() == KafkaStreams.State.RUNNING);
        tracker.awaitRunning(Duration.ofSeconds(90));
        track(Worker.start(catalog, bootstrap, "worker-0"));
    }

    private static Catalog withTestTenants(Catalog catalog) {
        Map<String, TenantConfig> tenants = new HashMap<>(catalog.config().tenants());
        tenants.put("acme", new TenantConfig("ACME_CALLBACK_SECRET"));
        tenants.put("globex", new TenantConfig(null));
        List<ApiKeyConfig> keys = new ArrayList<>(catalog.config().apiKeys());
        keys.add(new ApiKeyConfig("acme-main", "acme", ApiKeys.sha256Hex(ACME_KEY), 10_000));
        keys.add(new ApiKeyConfig("globex-main", "globex", ApiKeys.sha256Hex(GLOBEX_KEY), 10_000));
        keys.add(new ApiKeyConfig("acme-tight", "acme", ApiKeys.sha256Hex(TIGHT_KEY), 2));
        return catalog.with(c -> c.withTenants(tenants, keys));
    }

    HttpApi startApi(HttpApiOptions options) {
        return track(HttpApi.start(catalog, bootstrap, options.withFilesDir(filesDir).withEnv(name -> "ACME_CALLBACK_SECRET".equals(name) ? ACME_SECRET : null)));
    }

    private <T extends AutoCloseable> T track(T component) {
        started.add(component);
        return component;
    }

    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                System.err.println("while stopping " + started.get(i) + ": " + e);
            }
        }
    }

    /** A clock the test moves by hand. */
    static final class TestClock extends Clock {
        private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-03T08:00:00Z"));

        void advance(Duration duration) {
            now.updateAndGet(t -> t.plus(duration));
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

}
