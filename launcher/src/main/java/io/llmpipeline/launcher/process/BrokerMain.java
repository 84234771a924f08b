package io.llmpipeline.launcher.process;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import io.llmpipeline.kafka.embedded.EmbeddedKafkaBroker;

/**
 * The embedded single-node KRaft broker as a process of its own, so it can be killed and restarted
 * on the same data directory and port. Environment: {@code KAFKA_DATA_DIR}, {@code KAFKA_PORT}.
 */
public final class BrokerMain {
    public static final String DATA_DIR = "KAFKA_DATA_DIR";
    public static final String PORT = "KAFKA_PORT";

    private BrokerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(Path.of(System.getenv(DATA_DIR)),
                Integer.parseInt(System.getenv(PORT)));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "broker-shutdown"));
        System.err.println("broker running at " + broker.bootstrapServers());
        stopped.await();
    }
}
