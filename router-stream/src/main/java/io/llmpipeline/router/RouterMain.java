package io.llmpipeline.router;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.CatalogLoader;
import io.llmpipeline.catalog.TopicPlan;

/**
 * Runs one router instance until the process is stopped. Environment: KAFKA_BOOTSTRAP_SERVERS
 * (default localhost:9092), PIPELINE_CONFIG (a pipeline.yaml; default the bundled demo catalog),
 * STATE_DIR (default /tmp/llm-router), METRICS_PORT (optional: Prometheus metrics on this port; else
 * {@code metrics.routerPort}). A blank variable counts as unset: docker-compose passes
 * {@code ${VAR:-}} through as an empty string. ROUTER_INSTANCE_ID (optional) names the instance for
 * static group membership: restarted with the same id, it takes its tasks back without waiting for the
 * group to notice it was gone.
 */
public final class RouterMain {
    static final String BOOTSTRAP = "KAFKA_BOOTSTRAP_SERVERS";
    static final String STATE_DIR = "STATE_DIR";
    static final String INSTANCE_ID = "ROUTER_INSTANCE_ID";

    private RouterMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Router router = start(System.getenv());
        RouterPrometheus metrics = RouterPrometheus.start(router.streams(), catalog(System.getenv()), System.getenv());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            router.close();
            metrics.close();
            stopped.countDown();
        }, "router-shutdown"));
        stopped.await();
    }

    /** Creates the pipeline's topics if missing and starts a router configured from {@code env}. */
    static Router start(Map<String, String> env) {
        String bootstrap = setting(env, BOOTSTRAP, "localhost:9092");
        Catalog catalog = catalog(env);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicPlan.create(admin, catalog.topics());
        }
        String instance = setting(env, INSTANCE_ID, null);
        Map<String, Object> overrides = instance == null ? Map.of()
                : Map.of(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), instance);
        return Router.start(catalog, bootstrap, Path.of(setting(env, STATE_DIR, "/tmp/llm-router")), overrides);
    }

    static Catalog catalog(Map<String, String> env) {
        String path = setting(env, CatalogLoader.CONFIG_VARIABLE, null);
        return path == null ? CatalogLoader.loadDefault() : CatalogLoader.load(Path.of(path), env::get);
    }

    private static String setting(Map<String, String> env, String name, String fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : value.strip();
    }
}
