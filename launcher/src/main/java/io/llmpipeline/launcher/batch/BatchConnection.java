package io.llmpipeline.launcher.batch;

import java.nio.file.Path;

import io.llmpipeline.batch.Batches;
import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.CatalogLoader;
import picocli.CommandLine.Option;

/** Where the pipeline is: options every batch command shares. */
final class BatchConnection {
    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", defaultValue = "localhost:9092",
            description = "The pipeline's Kafka (default: ${DEFAULT-VALUE}, where `./pipeline up` listens).")
    String bootstrap;

    @Option(names = "--config", paramLabel = "FILE",
            description = "The pipeline.yaml the pipeline runs with (default: $PIPELINE_CONFIG, else the bundled demo catalog).")
    Path config;

    @Option(names = "--name-prefix", paramLabel = "PREFIX", hidden = true,
            description = "Topic name prefix of the pipeline (tests and benchmarks share one broker).")
    String namePrefix;

    Catalog catalog() {
        Catalog catalog = config == null ? CatalogLoader.fromEnvironment() : CatalogLoader.load(config);
        return namePrefix == null ? catalog : catalog.withNamePrefix(namePrefix);
    }

    Batches connect() {
        return Batches.connect(catalog(), bootstrap);
    }
}
