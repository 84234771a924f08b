package io.llmpipeline.launcher.chaos;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.CatalogLoader;
import io.llmpipeline.catalog.CatalogWriter;
import io.llmpipeline.catalog.ModelConfig;
import io.llmpipeline.client.LlmClient;
import io.llmpipeline.client.Requests;
import io.llmpipeline.launcher.process.ChildJvm;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.sim.ProviderSimulator;

/**
 * {@code ./pipeline chaos}: a broker, routers and workers as processes of their own, an open-loop
 * load, and faults struck in turn (each process restarted after a pause); then every topic is read
 * back with read_committed and the run is judged on one line.
 */
public final class ChaosRun {
    static final String BUDGETED_MODEL = "budgeted-mini";

    /**
     * @param budgetShare the budgeted tenant's daily limit as a share of what its whole load would cost
     */
    public record Options(Path dir, int requests, Duration load, int routers, int workers, Duration restartAfter,
                          double budgetShare, Duration drainTimeout) {
    }

    private ChaosRun() {
    }

    /** Runs the whole scenario and judges it; every process it started is stopped when it returns. */
    public static ChaosVerdict run(Options options, PrintStream progress) throws InterruptedException {
        try (ProviderSimulator simulator = ProviderSimulator.start(0)) {
            Catalog catalog = catalog(options, simulator);
            Path configFile = writeCatalog(options.dir(), catalog);
            simulator.resetStats(); // the calibration calls are not the pipeline's
            progress.printf("chaos: %d requests over %d s, %d router(s), %d workers, each fault restarted after %d s; logs in %s%n",
                    options.requests(), options.load().toSeconds(), options.routers(), options.workers(),
                    options.restartAfter().toSeconds(), options.dir());
            try (ChaosCluster cluster = ChaosCluster.start(options.dir(), configFile, catalog, options.routers(), options.workers());
                 ResultWatch watch = new ResultWatch(cluster.bootstrapServers(), catalog.topics().results());
                 LlmClient client = LlmClient.connect(catalog, cluster.bootstrapServers())) {
                awaitFirstAnswer(client, progress);
                String runId = "chaos-" + Long.toString(System.currentTimeMillis(), 36);
                ChaosLoad load = new ChaosLoad();
                long loadStart = System.currentTimeMillis();
                Thread sender = Thread.ofPlatform().name("chaos-load").start(() -> {
                    try {
                        load.run(client, runId, options.requests(), options.load().toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                List<Long> faultTimes = strikeFaults(cluster, options, loadStart, progress);
                sender.join();
                progress.printf("chaos: load sent (%d acknowledged, %d not); waiting for results%n",
                        load.acknowledged().size(), load.unsent());
                awaitResults(watch, load, options.drainTimeout(), progress);
                return ChaosVerdict.judge(load, watch, cluster.bootstrapServers(), catalog, simulator.stats(),
                        BUDGETED_MODEL, Fault.standardPlan(options.workers()), faultTimes);
            }
        }
    }

    private static Catalog catalog(Options options, ProviderSimulator simulator) {
        Function<String, String> probeEnv = name -> switch (name) {
            case "LLM_SIM_URL" -> simulator.baseUrl();
            case "CHAOS_BUDGET_USD" -> "1";
            default -> System.getenv(name);
        };
        ModelConfig model = CatalogLoader.loadResource("chaos-pipeline.yaml", probeEnv).requireModel(BUDGETED_MODEL);
        BigDecimal perRequestMicros = BudgetCalibration.meanCostMicros(simulator.baseUrl(), model.providerModel(), model.price(), 5);
        BigDecimal limitUsd = perRequestMicros.multiply(BigDecimal.valueOf(ChaosLoad.budgetedCount(options.requests())))
                .multiply(BigDecimal.valueOf(options.budgetShare())).movePointLeft(6).setScale(6, java.math.RoundingMode.DOWN);
        return CatalogLoader.loadResource("chaos-pipeline.yaml", name -> "CHAOS_BUDGET_USD".equals(name)
                ? limitUsd.toPlainString() : probeEnv.apply(name));
    }

    private static Path writeCatalog(Path dir, Catalog catalog) {
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve("pipeline.yaml");
            Files.writeString(file, CatalogWriter.toYaml(catalog), StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The router's first rebalance and the workers' first poll are start-up, not a fault's cost. */
    private static void awaitFirstAnswer(LlmClient client, PrintStream progress) throws InterruptedException {
        try {
            LlmResult result = client.submit(Requests.chat("chaos-probe", "chat", io.llmpipeline.schemas.Priority.HIGH,
                    "Are you there?").build(), Duration.ofMinutes(3)).get();
            progress.printf("chaos: pipeline answers (%s)%n", result.getStatus());
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("the pipeline did not answer a first request within 3 minutes", e.getCause());
        }
    }

    private static List<Long> strikeFaults(ChaosCluster cluster, Options options, long loadStart, PrintStream progress)
            throws InterruptedException {
        List<Long> times = new ArrayList<>();
        for (Fault fault : Fault.standardPlan(options.workers())) {
            long due = loadStart + (long) (fault.atShareOfLoad() * options.load().toMillis());
            sleepUntil(due);
            long at = System.currentTimeMillis();
            ChildJvm victim = fault.strike(cluster);
            times.add(at);
            progress.printf("chaos: %s at +%.1f s%n", fault.label(), (at - loadStart) / 1000.0);
            sleepUntil(at + options.restartAfter().toMillis());
            cluster.restart(victim);
            progress.printf("chaos: restarted %s at +%.1f s%n", victim.name(), (System.currentTimeMillis() - loadStart) / 1000.0);
        }
        return times;
    }

    private static void awaitResults(ResultWatch watch, ChaosLoad load, Duration quietLimit, PrintStream progress)
            throws InterruptedException {
        long lastProgress = System.currentTimeMillis();
        long missing = Long.MAX_VALUE;
        while (true) {
            long nowMissing = load.acknowledged().stream().filter(id -> watch.resultsFor(id) == 0).count();
            if (nowMissing == 0) {
                return;
            }
            if (nowMissing < missing) {
                missing = nowMissing;
                lastProgress = System.currentTimeMillis();
            } else if (System.currentTimeMillis() - lastProgress > quietLimit.toMillis()) {
                progress.printf("chaos: %d requests still without a result after %d s without progress%n",
                        nowMissing, quietLimit.toSeconds());
                return;
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }

    private static void sleepUntil(long epochMs) throws InterruptedException {
        long wait = epochMs - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
    }
}
