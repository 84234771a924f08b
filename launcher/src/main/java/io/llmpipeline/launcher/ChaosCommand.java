package io.llmpipeline.launcher;

import java.time.Duration;
import java.util.concurrent.Callable;

import io.llmpipeline.launcher.chaos.ChaosRun;
import io.llmpipeline.launcher.chaos.ChaosVerdict;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = "Broker, router(s) and workers as separate processes under load; kill -9 a worker, the router and "
                + "the broker, SIGTERM the other worker, each restarted after a pause; then read every topic back. "
                + "The last line is machine-readable key=value pairs; exit 0 only if nothing was lost, duplicated, "
                + "billed unlogged or overspent.")
final class ChaosCommand implements Callable<Integer> {
    @Option(names = "--requests", defaultValue = "20000", description = "Requests to send (default: ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--load-seconds", defaultValue = "60", description = "Seconds the requests are spread over (default: ${DEFAULT-VALUE}).")
    int loadSeconds;

    @Option(names = "--routers", defaultValue = "1", description = "Router processes (default: ${DEFAULT-VALUE}).")
    int routers;

    @Option(names = "--workers", defaultValue = "2", description = "Worker processes, at least 2 (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--restart-after-seconds", defaultValue = "5",
            description = "Pause before a stopped process is started again (default: ${DEFAULT-VALUE}).")
    int restartAfterSeconds;

    @Option(names = "--budget-share", defaultValue = "0.7",
            description = "The budgeted tenant's limit as a share of its offered load's cost (default: ${DEFAULT-VALUE}).")
    double budgetShare;

    @Option(names = "--drain-timeout-seconds", defaultValue = "120",
            description = "Give up waiting for missing results after this long without progress (default: ${DEFAULT-VALUE}).")
    int drainTimeoutSeconds;

    @Option(names = "--work-dir", defaultValue = ".pipeline", description = "Where data and logs go (default: ${DEFAULT-VALUE}).")
    java.nio.file.Path workDir;

    @Override
    public Integer call() throws Exception {
        if (workers < 2) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--workers must be at least 2: one is killed while another is stopped gracefully");
        }
        java.nio.file.Path dir = workDir.resolve("chaos");
        WorkDirs.deleteRecursively(dir);
        ChaosVerdict verdict = ChaosRun.run(new ChaosRun.Options(dir, requests, Duration.ofSeconds(loadSeconds), routers,
                workers, Duration.ofSeconds(restartAfterSeconds), budgetShare, Duration.ofSeconds(drainTimeoutSeconds)), System.err);
        verdict.print(System.out);
        return verdict.held() ? 0 : 1;
    }
}
