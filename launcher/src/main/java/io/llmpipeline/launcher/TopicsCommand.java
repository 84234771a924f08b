package io.llmpipeline.launcher;

import java.util.Map;
import java.util.concurrent.Callable;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.CatalogLoader;
import io.llmpipeline.catalog.TopicPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "topics", mixinStandardHelpOptions = true,
        description = "Creates the pipeline's topics (those missing) on an existing Kafka, from --config or $PIPELINE_CONFIG.")
final class TopicsCommand implements Callable<Integer> {
    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "The Kafka to create topics on.")
    String bootstrap;

    @Option(names = "--config", paramLabel = "FILE", description = "A pipeline.yaml (default: $PIPELINE_CONFIG, else the bundled demo catalog).")
    java.nio.file.Path config;

    @Override
    public Integer call() {
        Catalog catalog = config == null ? CatalogLoader.fromEnvironment() : CatalogLoader.load(config);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicPlan.create(admin, catalog.topics());
        }
        TopicPlan.topics(catalog.topics()).forEach(t -> System.out.println(t.name() + " partitions=" + t.numPartitions()));
        return 0;
    }
}
