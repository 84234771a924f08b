package io.llmpipeline.launcher;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.llmpipeline.http.DemoKey;
import io.llmpipeline.http.HttpApi;
import io.llmpipeline.http.HttpApiOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Starts everything and keeps it running until Ctrl-C, printing the bootstrap address.")
final class UpCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--kafka-port", defaultValue = "9092", description = "Port of the embedded broker (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int kafkaPort;

    @Option(names = "--sim-port", defaultValue = "8089", description = "Port of the provider simulator (default: ${DEFAULT-VALUE}).")
    int simPort;

    @Option(names = "--http-port", defaultValue = "8080", description = "Port of the HTTP API (default: ${DEFAULT-VALUE}; 0 = any free port; -1 = no HTTP API).")
    int httpPort;

    @Override
    public Integer call() throws InterruptedException {
        LocalPipeline pipeline = LocalPipeline.start(common.options("up").withPorts(kafkaPort, simPort));
        HttpApi api;
        try {
            api = httpPort < 0 ? null : HttpApi.start(pipeline.catalog(), pipeline.bootstrapServers(), HttpApiOptions.defaults().withPort(httpPort));
        } catch (RuntimeException e) {
            pipeline.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stopping ...");
            if (api != null) {
                api.close();
            }
            pipeline.close();
            stopped.countDown();
        }, "pipeline-stop"));
        var topics = pipeline.catalog().topics();
        System.out.println("llm-pipeline is up.");
        System.out.println("  bootstrap: " + pipeline.bootstrapServers());
        System.out.println("  simulator: " + pipeline.simulator().baseUrl());
        System.out.println("  requests:  " + topics.requests() + " (" + topics.priorityBands().totalPartitions() + " partitions, bands " + io.llmpipeline.client.PriorityPartitioner.format(topics.bands()) + ")");
        System.out.println("  results:   " + topics.results() + ", invocations: " + topics.invocations() + ", dlq: " + topics.dlq());
        if (api != null) {
            System.out.println("  http: " + api.baseUrl());
            if (DemoKey.acceptedBy(pipeline.catalog())) {
                System.out.println("  api key: " + DemoKey.KEY); // the demo tenant's, public: for this machine only
            }
        }
        System.out.println("Ctrl-C to stop.");
        stopped.await();
        return 0;
    }
}
