package io.llmpipeline.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 * A worker whose producer stalls inside a commit for longer than its transaction timeout, as a long
 * GC pause, a frozen VM or a cut network would stall it (a {@link CommitStall} interceptor holds the
 * producer's network thread once, after the produce phase of one transaction): the transaction
 * coordinator aborts the transaction it had open and bumps the producer epoch, so the commit fails
 * because of the worker's own aborted transaction. It starts its Kafka clients again and takes its
 * partitions back: no request is lost or answered twice, and every call the provider answered has its
 * billed invocation event.
 */
class WorkerFencedIT extends WithSimulator {
    private static final ModelRef GPT_A = new ModelRef("openai", "gpt-a");
    private static final int TRANSACTION_TIMEOUT_MS = 2_000;
    /** A broker that aborts a timed-out transaction within 200 ms, not 10 s: the stall can be that much shorter. */
    private static final Map<String, String> BROKER = Map.of("transaction.abort.timed.out.transaction.cleanup.interval.ms", "200");
    private static final int REQUESTS = 600;
    /** Past the timeout and the coordinator's next look for timed-out transactions, with room for a busy machine. */
    private static final int STALL_MS = TRANSACTION_TIMEOUT_MS + 2_000;
    /** About a third of the output records (a result and an invocation event per request): answers are flowing. */
    private static final int STALL_AFTER_ACKS = 400;
    private static final String RESTARTED = "Kafka clients start again";

    @TempDir
    Path dir;

    @Test
    void shouldStartItsClientsAgainWhenTheCoordinatorAbortedItsTransactionAndLoseNothing() throws Exception {
        sim.script("gpt-a", FaultScript.none().withLatency(200, 100));
        String yaml = PipelineHarness.fourProviders(sim.baseUrl(), null)
                .replace("worker:\n", "worker:\n  maxInFlight: 100\n"
                        + "  kafka: {transactionTimeoutMs: " + TRANSACTION_TIMEOUT_MS + "}\n"
                        // no router here to readmit to: the next owner calls again, on the same reservation
                        + "  readmitInterrupted: false\n");
        Path config = dir.resolve("pipeline.yaml");
        Files.writeString(config, yaml);
        Path log = Path.of(System.getProperty("java.io.tmpdir"), "fenced-worker.log"); // overwritten by each run
        String producer = "llm.worker.producer.";
        List<String> stall = List.of(producer + "interceptor.classes=" + CommitStall.class.getName(),
                producer + CommitStall.STALL_MS_CONFIG + "=" + STALL_MS,
                producer + CommitStall.AFTER_ACKS_CONFIG + "=" + STALL_AFTER_ACKS);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0, BROKER);
             PipelineHarness h = new PipelineHarness("fenced", yaml, broker.bootstrapServers())) {
            Process worker = h.startWorkerProcess(config, "fenced-worker", log.toFile(), stall);
            try {
                long deadline = System.currentTimeMillis() + Duration.ofMinutes(10).toMillis();
                h.sendRoundRobin("f", REQUESTS, GPT_A, deadline);

                List<LlmResult> results = h.results(REQUESTS, Duration.ofSeconds(120));
                h.invocations(REQUESTS, Duration.ofSeconds(10));
                List<InvocationEvent> events = h.invocations(Integer.MAX_VALUE, Duration.ofSeconds(3));

                assertThat(Files.readString(log)).as("the worker's log").contains("CommitStall: holding")
                        .as("fenced by its own aborted transaction and started again").contains(RESTARTED);
                Map<String, Long> resultsPerRequest = results.stream()
                        .collect(Collectors.groupingBy(LlmResult::getRequestId, Collectors.counting()));
                assertThat(resultsPerRequest).as("requests answered").hasSize(REQUESTS);
                assertThat(resultsPerRequest.values()).as("results per request").containsOnly(1L);
                assertThat(results).allSatisfy(r -> assertThat(r.getStatus()).isEqualTo(ResultStatus.OK));
                events.stream().collect(Collectors.toMap(InvocationEvent::getEventId, Function.identity(), (a, b) -> {
                    throw new AssertionError("event " + a.getEventId() + " written twice");
                }));
                Map<String, Long> finalEvents = events.stream().filter(InvocationEvent::getFinalAttempt)
                        .collect(Collectors.groupingBy(InvocationEvent::getRequestId, Collectors.counting()));
                assertThat(finalEvents).hasSize(REQUESTS);
                assertThat(finalEvents.values()).containsOnly(1L);
                // calls cut off by the restart, or answered in the aborted transaction, are recorded from the attempt journal
                long billed = events.stream().filter(InvocationEvent::getBilled).count();
                assertThat(billed).as("billed events against calls answered 200")
                        .isGreaterThanOrEqualTo(sim.stats().callsWithStatus("gpt-a", 200));
                assertThat(events).as("calls of the aborted transaction recorded from the journal")
                        .anySatisfy(e -> assertThat(e.getFinalAttempt()).isFalse());
            } finally {
                worker.destroy();
                worker.waitFor();
            }
        }
    }

}
