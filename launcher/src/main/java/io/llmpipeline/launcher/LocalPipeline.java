package io.llmpipeline.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.KafkaStreams;

import io.llmpipeline.batch.BatchTracker;
import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.CatalogLoader;
import io.llmpipeline.catalog.TopicPlan;
import io.llmpipeline.kafka.embedded.EmbeddedKafkaBroker;
import io.llmpipeline.router.Router;
import io.llmpipeline.sim.ProviderSimulator;
import io.llmpipeline.worker.Worker;

/**
 * Everything the pipeline needs on one machine, started in order and stopped in reverse: a Kafka
 * broker (embedded KRaft unless a bootstrap address is given), the topics, the provider simulator,
 * the router, the batch tracker and the workers.
 */
public final class LocalPipeline implements AutoCloseable {
    /** Variable the bundled catalog uses for the simulator's address. */
    public static final String SIM_URL_VARIABLE = "LLM_SIM_URL";

    private final List<AutoCloseable> started = new ArrayList<>();
    private final String bootstrapServers;
    private final ProviderSimulator simulator;
    private final Catalog catalog;
    private final Router router;
    private final List<Worker> workers = new ArrayList<>();
    private final List<WorkerProcess> workerProcesses = new ArrayList<>();

    private LocalPipeline(Options options) {
        try {
            Files.createDirectories(options.workDir());
            if (options.bootstrapServers() == null) {
                EmbeddedKafkaBroker broker = track(EmbeddedKafkaBroker.start(options.workDir().resolve("kafka"), options.kafkaPort()));
                bootstrapServers = broker.bootstrapServers();
            } else {
                bootstrapServers = options.bootstrapServers();
            }
            simulator = track(ProviderSimulator.start(options.simulatorPort()));
            Function<String, String> env = name -> SIM_URL_VARIABLE.equals(name) ? simulator.baseUrl() : System.getenv(name);
            Catalog loaded = options.configFile() == null
                    ? CatalogLoader.loadResource(CatalogLoader.DEFAULT_RESOURCE, env)
                    : CatalogLoader.load(options.configFile(), env);
            catalog = options.adjust().apply(loaded);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
                TopicPlan.create(admin, catalog.topics());
            }
            router = track(Router.start(catalog, bootstrapServers, options.workDir().resolve("router-state"), Map.of()));
            // its own Streams application: joins its group while the router joins its own
            BatchTracker tracker = track(BatchTracker.start(catalog, bootstrapServers,
                    options.workDir().resolve("batch-tracker-state"), Map.of()));
            awaitRunning(router, Duration.ofSeconds(90));
            tracker.awaitRunning(Duration.ofSeconds(90));
            for (int i = 0; i < options.workers(); i++) {
                if (options.workerHeapMb() > 0) {
                    workerProcesses.add(track(WorkerProcess.start(catalog, bootstrapServers,
                            options.workDir().resolve("worker-" + i), "worker-" + i, options.workerHeapMb())));
                } else {
                    workers.add(track(Worker.start(catalog, bootstrapServers, "worker-" + i)));
                }
            }
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    public static LocalPipeline start(Options options) {
        return new LocalPipeline(options);
    }

    /** The router instance running in this JVM. */
    Router router() {
        return router;
    }

    /** Requests sent before the router's first rebalance would wait it out; a demo or bench should not time that. */
    private static void awaitRunning(Router router, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (router.streams().state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline || !router.streams().state().isRunningOrRebalancing()
                    && router.streams().state() != KafkaStreams.State.CREATED) {
                throw new IllegalStateException("router did not reach RUNNING within " + timeout + ": " + router.streams().state());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for the router", e);
            }
        }
    }

    private <T extends AutoCloseable> T track(T component) {
        started.add(component);
        return component;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Catalog catalog() {
        return catalog;
    }

    public ProviderSimulator simulator() {
        return simulator;
    }

    public List<Worker> workers() {
        return workers;
    }

    /** What the workers report, summed over in-process workers or read from worker processes. */
    public WorkerFigures workerFigures() {
        if (!workerProcesses.isEmpty()) {
            return WorkerFigures.sum(workerProcesses.stream().map(p -> WorkerFigures.of(p.figures())).toList());
        }
        return WorkerFigures.sum(workers.stream().map(w -> WorkerFigures.of(w.stats(),
                io.llmpipeline.worker.WorkerStatsFile.heapUsedPeakMb())).toList());
    }

    /** kill -9 of one worker process, as a crash would stop it: no commit, no leave-group. */
    public void killWorkerProcess(int index) {
        workerProcesses.get(index).kill();
    }

    /** True while every worker process runs (in-process workers always count as running). */
    public boolean workersAlive() {
        return workerProcesses.stream().allMatch(WorkerProcess::isAlive);
    }

    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                System.err.println("while stopping " + started.get(i).getClass().getSimpleName() + ": " + e);
            }
        }
        started.clear();
    }

    /**
     * @param bootstrapServers an existing Kafka, or null for the embedded broker
     * @param workDir          broker data, router state and logs
     * @param configFile       a pipeline.yaml, or null for the bundled demo catalog
     * @param kafkaPort        embedded broker port (0 = any free port)
     * @param simulatorPort    provider simulator port (0 = any free port)
     * @param workers          worker instances
     * @param workerHeapMb     0: workers run in this JVM; otherwise each in its own JVM with this heap limit
     * @param adjust           last changes to the loaded catalog (name prefixes, partitions)
     */
    public record Options(String bootstrapServers, Path workDir, Path configFile, int kafkaPort, int simulatorPort,
                          int workers, int workerHeapMb, Function<Catalog, Catalog> adjust) {
        public static Options defaults(Path workDir) {
            return new Options(null, workDir, null, 0, 0, 1, 0, Function.identity());
        }

        public Options withBootstrap(String servers) {
            return new Options(servers, workDir, configFile, kafkaPort, simulatorPort, workers, workerHeapMb, adjust);
        }

        public Options withConfig(Path file) {
            return new Options(bootstrapServers, workDir, file, kafkaPort, simulatorPort, workers, workerHeapMb, adjust);
        }

        public Options withPorts(int kafka, int simulator) {
            return new Options(bootstrapServers, workDir, configFile, kafka, simulator, workers, workerHeapMb, adjust);
        }

        public Options withWorkerProcesses(int count, int heapMb) {
            return new Options(bootstrapServers, workDir, configFile, kafkaPort, simulatorPort, count, heapMb, adjust);
        }

        /** Applies {@code change} after the changes already set. */
        public Options withAdjust(Function<Catalog, Catalog> change) {
            return new Options(bootstrapServers, workDir, configFile, kafkaPort, simulatorPort, workers, workerHeapMb,
                    adjust.andThen(change));
        }
    }
}
