package io.llmpipeline.router;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.CatalogLoader;
import io.llmpipeline.catalog.TopicPlan;

/**
 * Runs one router instance until the process is stopped. Environment: KAFKA_BOOTSTRAP_SERVERS
 * (default localhost:9092), PIPELINE_CONFIG (a pipeline.yaml; default the bundled demo catalog),
 * STATE_DIR (default /tmp/llm-router).
 */
public final class RouterMain {
    private RouterMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        String bootstrap = System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");
        String configPath = System.getenv("PIPELINE_CONFIG");
        Catalog catalog = configPath == null || configPath.isBlank() ? CatalogLoader.loadDefault() : CatalogLoader.load(Path.of(configPath));
        Path stateDir = Path.of(System.getenv().getOrDefault("STATE_DIR", "/tmp/llm-router"));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicPlan.create(admin, catalog.topics());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Router router = Router.start(catalog, bootstrap, stateDir, Map.of());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            router.close();
            stopped.countDown();
        }, "router-shutdown"));
        stopped.await();
    }
}
