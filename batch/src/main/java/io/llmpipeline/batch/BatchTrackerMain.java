package io.llmpipeline.batch;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.CatalogLoader;
import io.llmpipeline.catalog.TopicPlan;

/**
 * Runs the batch tracker from the environment: {@code KAFKA_BOOTSTRAP_SERVERS}, {@code PIPELINE_CONFIG}
 * (default: the bundled catalog), {@code STATE_DIR} (default /tmp/llm-batch-tracker),
 * {@code PIPELINE_NAME_PREFIX} (optional). Blank variables count as unset, as docker-compose passes them.
 */
public final class BatchTrackerMain {
    private BatchTrackerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> env = System.getenv();
        String bootstrap = value(env, "KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");
        String prefix = value(env, "PIPELINE_NAME_PREFIX", "");
        Catalog catalog = CatalogLoader.fromEnvironment();
        if (!prefix.isEmpty()) {
            catalog = catalog.withNamePrefix(prefix);
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicPlan.create(admin, catalog.topics());
        }
        BatchTracker tracker = BatchTracker.start(catalog, bootstrap, Path.of(value(env, "STATE_DIR", "/tmp/llm-batch-tracker")), Map.of());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            tracker.close();
            stopped.countDown();
        }, "batch-tracker-stop"));
        stopped.await();
    }

    private static String value(Map<String, String> env, String name, String otherwise) {
        String v = env.get(name);
        return v == null || v.isBlank() ? otherwise : v;
    }
}
