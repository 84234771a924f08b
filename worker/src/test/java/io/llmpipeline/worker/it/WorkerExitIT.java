package io.llmpipeline.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.llmpipeline.worker.WorkerMain;

/**
 * A worker process whose worker stops on its own exits with a non-zero status, so that a supervisor
 * starts it again; one stopped by SIGTERM still drains and closes in its shutdown hook. The cheapest
 * real fatal stop: a second process started under the same worker id takes the first one's
 * identity (its {@code group.instance.id} and transactional id).
 */
class WorkerExitIT extends WithSimulator {
    private static final String RUNNING = "assigned partition(s)";
    /** Exit status of a JVM ended by SIGTERM after its shutdown hooks (128 + 15). */
    private static final int SIGTERM_STATUS = 143;

    @TempDir
    Path dir;

    @Test
    void shouldExitNonZeroWhenAnotherProcessTakesItsIdentityAndExitAsBeforeOnSigterm() throws Exception {
        String yaml = PipelineHarness.fourProviders(sim.baseUrl(), null);
        Path config = dir.resolve("pipeline.yaml");
        Files.writeString(config, yaml);
        Path firstLog = dir.resolve("first.log");
        Path secondLog = dir.resolve("second.log");
        Process first = null;
        Process second = null;
        try (PipelineHarness h = new PipelineHarness("exit", yaml)) {
            first = h.startWorkerProcess(config, "exit-worker", firstLog.toFile());
            awaitLog(firstLog, first, log -> log.contains(RUNNING), Duration.ofSeconds(90));

            second = h.startWorkerProcess(config, "exit-worker", secondLog.toFile());

            assertThat(first.waitFor(90, TimeUnit.SECONDS)).as("the first process ended after losing its identity").isTrue();
            assertThat(first.exitValue()).as("its exit status").isEqualTo(WorkerMain.EXIT_WORKER_STOPPED);
            assertThat(Files.readString(firstLog)).contains("stopped on its own");

            awaitLog(secondLog, second, log -> log.contains(RUNNING), Duration.ofSeconds(90));
            second.destroy(); // SIGTERM
            assertThat(second.waitFor(60, TimeUnit.SECONDS)).as("the second process ended on SIGTERM").isTrue();
            assertThat(second.exitValue()).as("its exit status: the signal's, as before").isEqualTo(SIGTERM_STATUS);
            assertThat(Files.readString(secondLog)).as("drained and closed by the hook").contains("worker stopped:")
                    .doesNotContain("stopped on its own");
        } finally {
            for (Process p : new Process[] {first, second}) {
                if (p != null) {
                    p.destroyForcibly();
                    p.waitFor(30, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** Waits until the process's log satisfies {@code ready}, failing early if the process ends first. */
    private static void awaitLog(Path log, Process process, Predicate<String> ready, Duration within) throws Exception {
        long end = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < end) {
            String text = Files.exists(log) ? Files.readString(log) : "";
            if (ready.test(text)) {
                return;
            }
            assertThat(process.isAlive()).as("the process is running; its log:\n" + text).isTrue();
            process.waitFor(200, TimeUnit.MILLISECONDS); // wakes at once if the process ends
        }
        throw new AssertionError("not in " + log + " within " + within + ":\n" + Files.readString(log));
    }
}
