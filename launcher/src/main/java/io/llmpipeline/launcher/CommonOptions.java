package io.llmpipeline.launcher;

import java.nio.file.Path;

import picocli.CommandLine.Option;

/** Options every command shares. */
final class CommonOptions {
    @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
            description = "Use this Kafka instead of starting the embedded broker.")
    String bootstrap;

    @Option(names = "--config", paramLabel = "FILE",
            description = "A pipeline.yaml; default: the bundled demo catalog (all models on the simulator).")
    Path config;

    @Option(names = "--work-dir", paramLabel = "DIR", defaultValue = ".pipeline",
            description = "Where broker data, router state and logs go (default: ${DEFAULT-VALUE}).")
    Path workDir;

    LocalPipeline.Options options(String run) {
        LocalPipeline.Options options = LocalPipeline.Options.defaults(workDir.resolve(run)).withConfig(config);
        return bootstrap == null ? options : options.withBootstrap(bootstrap);
    }
}
