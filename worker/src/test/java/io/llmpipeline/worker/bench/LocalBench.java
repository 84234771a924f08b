package io.llmpipeline.worker.bench;

import java.nio.file.Files;

import io.llmpipeline.kafka.embedded.EmbeddedKafkaBroker;
import io.llmpipeline.sim.ProviderSimulator;

/**
 * Starts what {@link WorkerBench} needs on this machine: {@code LocalBench sim <port>} runs a
 * provider-sim, {@code LocalBench kafka <port>} an embedded KRaft broker, each in its own JVM so
 * the worker's heap is measured alone.
 */
public final class LocalBench {
    private LocalBench() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[1]);
        if (args[0].equals("sim")) {
            ProviderSimulator sim = ProviderSimulator.start(port);
            System.out.println("SIM " + sim.baseUrl());
        } else {
            EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(Files.createTempDirectory("bench-kafka-"), port);
            System.out.println("KAFKA " + broker.bootstrapServers());
        }
        Thread.currentThread().join();
    }
}
