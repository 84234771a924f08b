package io.llmpipeline.launcher;

import java.nio.file.Path;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.CatalogLoader;
import picocli.CommandLine.Option;

/** Options the analytics commands share: which pipeline.yaml names the topics and budgets. */
final class AnalyticsOptions {
    @Option(names = "--config", paramLabel = "FILE",
            description = "A pipeline.yaml (topic names, label keys, budgets; default: $PIPELINE_CONFIG, else the bundled demo catalog).")
    Path config;

    @Option(names = "--name-prefix", paramLabel = "PREFIX", hidden = true,
            description = "Prefix of every topic name, as PIPELINE_NAME_PREFIX gives the worker (tests share one broker this way).")
    String namePrefix;

    Catalog catalog() {
        Catalog catalog = config == null ? CatalogLoader.fromEnvironment() : CatalogLoader.load(config);
        return namePrefix == null || namePrefix.isBlank() ? catalog : catalog.withNamePrefix(namePrefix);
    }
}
