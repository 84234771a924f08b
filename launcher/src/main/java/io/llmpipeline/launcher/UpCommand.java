package io.llmpipeline.launcher;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

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

    @Override
    public Integer call() throws InterruptedException {
        LocalPipeline pipeline = LocalPipeline.start(common.options("up").withPorts(kafkaPort, simPort));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stopping ...");
            pipeline.close();
            stopped.countDown();
        }, "pipeline-stop"));
        var topics = pipeline.catalog().topics();
        System.out.println("llm-pipeline is up.");
        System.out.println("  bootstrap: " + pipeline.bootstrapServers());
        System.out.println("  simulator: " + pipeline.simulator().baseUrl());
        System.out.println("  requests:  " + topics.requests() + " (" + topics.priorityBands().totalPartitions() + " partitions, bands " + io.llmpipeline.client.PriorityPartitioner.format(topics.bands()) + ")");
        System.out.println("  results:   " + topics.results() + ", invocations: " + topics.invocations() + ", dlq: " + topics.dlq());
        System.out.println("Ctrl-C to stop.");
        stopped.await();
        return 0;
    }
}
