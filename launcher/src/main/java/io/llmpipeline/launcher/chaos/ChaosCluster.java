package io.llmpipeline.launcher.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.TopicPlan;
import io.llmpipeline.launcher.process.BrokerMain;
import io.llmpipeline.launcher.process.ChildJvm;

/**
 * A broker, routers and workers, each a process of its own on this machine, that can be killed and
 * restarted one at a time. The broker keeps its data directory and port across restarts, a router
 * its state directory, a worker its id (so a restarted worker fences its predecessor's transaction).
 */
final class ChaosCluster implements AutoCloseable {
    private final Path dir;
    private final Path configFile;
    private final int brokerPort;
    private final List<ChildJvm> routers = new ArrayList<>();
    private final List<ChildJvm> workers = new ArrayList<>();
    private ChildJvm broker;

    private ChaosCluster(Path dir, Path configFile, int brokerPort) {
        this.dir = dir;
        this.configFile = configFile;
        this.brokerPort = brokerPort;
    }

    static ChaosCluster start(Path dir, Path configFile, Catalog catalog, int routerCount, int workerCount) {
        ChaosCluster cluster = new ChaosCluster(dir, configFile, freePort());
        try {
            cluster.broker = cluster.startBroker();
            cluster.awaitBroker(Duration.ofSeconds(90));
            try (Admin admin = cluster.admin()) {
                TopicPlan.create(admin, catalog.topics());
            }
            for (int i = 0; i < routerCount; i++) {
                cluster.routers.add(cluster.startRouter(i));
            }
            for (int i = 0; i < workerCount; i++) {
                cluster.workers.add(cluster.startWorker(i));
            }
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    String bootstrapServers() {
        return "localhost:" + brokerPort;
    }

    ChildJvm broker() {
        return broker;
    }

    List<ChildJvm> routers() {
        return routers;
    }

    List<ChildJvm> workers() {
        return workers;
    }

    /** Starts the component again where {@code dead} ran, with the same identity. */
    void restart(ChildJvm dead) {
        if (dead == broker) {
            broker = startBroker();
            awaitBroker(Duration.ofSeconds(90));
            return;
        }
        int router = routers.indexOf(dead);
        if (router >= 0) {
            routers.set(router, startRouter(router));
            return;
        }
        int worker = workers.indexOf(dead);
        if (worker < 0) {
            throw new IllegalArgumentException(dead + " is not part of this cluster");
        }
        workers.set(worker, startWorker(worker));
    }

    private ChildJvm startBroker() {
        return ChildJvm.start("broker", BrokerMain.class.getName(), Map.of(
                BrokerMain.DATA_DIR, dir.resolve("kafka").toAbsolutePath().toString(),
                BrokerMain.PORT, Integer.toString(brokerPort)), dir.resolve("broker"), 1024);
    }

    private ChildJvm startRouter(int index) {
        Path home = dir.resolve("router-" + index);
        // restarted under the same instance id (static membership, as docs/router.md advises), it takes its
        // tasks back at once instead of waiting for the group to drop its dead self
        return ChildJvm.start("router-" + index, "io.llmpipeline.router.RouterMain", Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", bootstrapServers(),
                "PIPELINE_CONFIG", configFile.toAbsolutePath().toString(),
                "ROUTER_INSTANCE_ID", "router-" + index,
                "STATE_DIR", home.resolve("state").toAbsolutePath().toString()), home, 768);
    }

    private ChildJvm startWorker(int index) {
        String id = "worker-" + index;
        return ChildJvm.start(id, "io.llmpipeline.worker.WorkerMain", Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", bootstrapServers(),
                "PIPELINE_CONFIG", configFile.toAbsolutePath().toString(),
                "WORKER_ID", id), dir.resolve(id), 512);
    }

    Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000));
    }

    private void awaitBroker(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!broker.isAlive()) {
                throw new IllegalStateException("the broker process exited at start; see " + dir.resolve("broker/console.log"));
            }
            try (Admin admin = admin()) {
                admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the broker did not answer within " + timeout, e);
                }
            }
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Workers first (they commit what they finished), then routers, the broker last. */
    @Override
    public void close() {
        workers.forEach(ChildJvm::close);
        routers.forEach(ChildJvm::close);
        if (broker != null) {
            broker.close();
        }
    }
}
