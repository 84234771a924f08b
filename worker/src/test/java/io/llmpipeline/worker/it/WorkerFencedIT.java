package io.llmpipeline.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.llmpipeline.kafka.embedded.EmbeddedKafkaBroker;
import io.llmpipeline.schemas.InvocationEvent;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.ModelRef;
import io.llmpipeline.schemas.ResultStatus;
import io.llmpipeline.sim.FaultScript;

/**
 * A worker process frozen (SIGSTOP) under load for longer than its transaction timeout, as a long
 * GC pause, a frozen VM or a cut network would stall it: the transaction coordinator aborts the
 * transaction it had open and bumps the producer epoch, so when it runs again its commit fails
 * because of its own aborted transaction. It starts its Kafka clients again and takes its partitions
 * back: no request is lost or answered twice, and every call the provider answered has its billed
 * invocation event.
 */
class WorkerFencedIT extends WithSimulator {
    private static final ModelRef GPT_A = new ModelRef("openai", "gpt-a");
    private static final int TRANSACTION_TIMEOUT_MS = 2_000;
    /** A broker that aborts a timed-out transaction within 200 ms, not 10 s: each freeze is that much shorter. */
    private static final Map<String, String> BROKER = Map.of("transaction.abort.timed.out.transaction.cleanup.interval.ms", "200");
    private static final int PER_FREEZE = 300;
    /**
     * A freeze fences the worker only when it stops it inside a commit that the coordinator has
     * begun (and past the produce phase, which an abort mends without a restart): many do, not all.
     * A CI run with a CPU hog once went 20 freezes without one (everything else held), so up to 40;
     * the loop ends at the first restart.
     */
    private static final int MAX_FREEZES = 40;
    private static final String RESTARTED = "Kafka clients start again";

    @TempDir
    Path dir;

    @Test
    void shouldStartItsClientsAgainWhenTheCoordinatorAbortedItsTransactionAndLoseNothing() throws Exception {
        sim.script("gpt-a", FaultScript.none().withLatency(200, 100));
        String yaml = PipelineHarness.fourProviders(sim.baseUrl(), null)
                // commits back to back: while answers flow the worker has a transaction open much of the time
                .replace("commitIntervalMs: 50", "commitIntervalMs: 1")
                .replace("worker:\n", "worker:\n  maxInFlight: 100\n"
                        + "  kafka: {transactionTimeoutMs: " + TRANSACTION_TIMEOUT_MS + ", pollMs: 1}\n"
                        // no router here to readmit to: the next owner calls again, on the same reservation
                        + "  readmitInterrupted: false\n");
        Path config = dir.resolve("pipeline.yaml");
        Files.writeString(config, yaml);
        Path log = Path.of(System.getProperty("java.io.tmpdir"), "fenced-worker.log"); // overwritten by each run
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0, BROKER);
             PipelineHarness h = new PipelineHarness("fenced", yaml, broker.bootstrapServers())) {
            Process worker = worker(h, config, log);
            try {
                long deadline = System.currentTimeMillis() + Duration.ofMinutes(10).toMillis();
                int sent = 0;
                int freezes = 0;
                while (!restarted(log) && freezes < MAX_FREEZES) {
                    h.sendRoundRobin("f" + freezes, PER_FREEZE, GPT_A, deadline);
                    int before = sent;
                    sent += PER_FREEZE;
                    assertThat(waitFor(() -> answered(h) >= before + PER_FREEZE / 4, Duration.ofSeconds(60)))
                            .as("answers flowing before freeze %d", freezes + 1).isTrue();

                    signal(worker, "STOP");
                    // the length of the fault, not a wait for a result: the coordinator aborts a transaction older than
                    // its timeout, and looks for them every 200 ms
                    Thread.sleep(TRANSACTION_TIMEOUT_MS + 1_000);
                    signal(worker, "CONT");
                    freezes++;

                    int all = sent;
                    if (!waitFor(() -> restarted(log) || answered(h) >= all, Duration.ofSeconds(90))) {
                        break; // neither started again nor answering: the assertions below say what was lost
                    }
                }

                List<LlmResult> results = h.results(sent, Duration.ofSeconds(120));
                h.invocations(sent, Duration.ofSeconds(10));
                List<InvocationEvent> events = h.invocations(Integer.MAX_VALUE, Duration.ofSeconds(3));

                Map<String, Long> resultsPerRequest = results.stream()
                        .collect(Collectors.groupingBy(LlmResult::getRequestId, Collectors.counting()));
                assertThat(resultsPerRequest).as("requests answered, of %d sent, %d freeze(s)", sent, freezes).hasSize(sent);
                assertThat(resultsPerRequest.values()).as("results per request").containsOnly(1L);
                assertThat(results).allSatisfy(r -> assertThat(r.getStatus()).isEqualTo(ResultStatus.OK));
                events.stream().collect(Collectors.toMap(InvocationEvent::getEventId, Function.identity(), (a, b) -> {
                    throw new AssertionError("event " + a.getEventId() + " written twice");
                }));
                Map<String, Long> finalEvents = events.stream().filter(InvocationEvent::getFinalAttempt)
                        .collect(Collectors.groupingBy(InvocationEvent::getRequestId, Collectors.counting()));
                assertThat(finalEvents).hasSize(sent);
                assertThat(finalEvents.values()).containsOnly(1L);
                // calls cut off by the restart, or answered in the aborted transaction, are recorded from the attempt journal
                long billed = events.stream().filter(InvocationEvent::getBilled).count();
                assertThat(billed).as("billed events against calls answered 200")
                        .isGreaterThanOrEqualTo(sim.stats().callsWithStatus("gpt-a", 200));
                assertThat(restarted(log)).as("fenced by its own aborted transaction and started again, in %d freeze(s)", freezes)
                        .isTrue();
            } finally {
                signal(worker, "CONT");
                worker.destroy();
                worker.waitFor();
            }
        }
    }

    private static int answered(PipelineHarness h) {
        return h.results(0, Duration.ZERO).size();
    }

    private static boolean restarted(Path log) {
        try {
            return Files.readString(log).contains(RESTARTED);
        } catch (IOException e) {
            return false;
        }
    }

    private static void signal(Process process, String signal) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start().waitFor();
    }

    private static Process worker(PipelineHarness h, Path config, Path log) throws IOException {
        return h.startWorkerProcess(config, "fenced-worker", log.toFile());
    }

    private static boolean waitFor(BooleanSupplier condition, Duration within) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }
}
