package io.llmpipeline.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.llmpipeline.schemas.InvocationEvent;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.ModelRef;
import io.llmpipeline.schemas.ResultStatus;
import io.llmpipeline.sim.FaultScript;

/**
 * A worker process killed with SIGKILL under load, and another started in its place: no request
 * gets two results or none, the provider calls made again are at most those in flight, and every
 * call the provider answered has its billed invocation event.
 */
class WorkerCrashIT extends WithSimulator {
    private static final int REQUESTS = 600;
    private static final int MAX_IN_FLIGHT = 100;

    @TempDir
    Path dir;

    @org.junit.jupiter.api.BeforeEach
    void freshCounts() {
        sim.resetStats(); // the simulator is shared by both tests; each counts its own calls
    }

    @Test
    void shouldWriteExactlyOneResultPerRequestAcrossAKillNineAndARestart() throws Exception {
        sim.script("gpt-a", FaultScript.none().withLatency(300, 100));
        String yaml = PipelineHarness.fourProviders(sim.baseUrl(), null)
                .replace("worker:\n", "worker:\n  maxInFlight: " + MAX_IN_FLIGHT + "\n"
                        // no router here to readmit to: the next owner calls again, on the same reservation
                        + "  readmitInterrupted: false\n");
        try (PipelineHarness h = new PipelineHarness("crash", yaml)) {
            Path config = loaded(h, yaml);

            Process first = worker(h, config, "first.log");
            List<LlmResult> beforeKill = h.results(REQUESTS / 4, Duration.ofSeconds(60));
            long killedAt = System.currentTimeMillis();
            first.destroyForcibly();
            first.waitFor();
            long callsAtKill = sim.stats().calls("gpt-a");
            assertThat(beforeKill.size()).as("killed mid-load").isLessThan(REQUESTS);

            Process second = worker(h, config, "second.log");
            try {
                List<LlmResult> results = h.results(REQUESTS, Duration.ofSeconds(90));
                h.invocations(REQUESTS, Duration.ofSeconds(10));
                // all are committed with the results; keep reading until nothing more comes
                List<InvocationEvent> events = h.invocations(Integer.MAX_VALUE, Duration.ofSeconds(3));

                Map<String, Long> resultsPerRequest = results.stream()
                        .collect(Collectors.groupingBy(LlmResult::getRequestId, Collectors.counting()));
                String twice = results.stream().filter(r -> resultsPerRequest.get(r.getRequestId()) > 1)
                        .map(r -> r.getRequestId() + "@" + r.getCompletedAtMs()).sorted().collect(Collectors.joining(", "));
                assertThat(resultsPerRequest).hasSize(REQUESTS);
                assertThat(twice).as("killed at " + killedAt).isEmpty();
                assertThat(resultsPerRequest.values()).as("results per request").containsOnly(1L);
                assertThat(results).allSatisfy(r -> assertThat(r.getStatus()).isEqualTo(ResultStatus.OK));
                Map<String, Long> finalEvents = events.stream().filter(InvocationEvent::getFinalAttempt)
                        .collect(Collectors.groupingBy(InvocationEvent::getRequestId, Collectors.counting()));
                assertThat(finalEvents).hasSize(REQUESTS);
                assertThat(finalEvents.values()).containsOnly(1L);
                Map<String, InvocationEvent> eventById = events.stream()
                        .collect(Collectors.toMap(InvocationEvent::getEventId, Function.identity(), (a, b) -> {
                            throw new AssertionError("event " + a.getEventId() + " written twice");
                        }));
                // every call the provider answered (and would bill) has a billed event: those the killed worker had in
                // flight or answered without committing are recorded by the second one from the attempt journal
                long billedEvents = events.stream().filter(InvocationEvent::getBilled).count();
                long answered = sim.stats().callsWithStatus("gpt-a", 200);
                List<InvocationEvent> recovered = events.stream().filter(e -> !e.getFinalAttempt()).toList();
                assertThat(billedEvents).as("billed events against calls answered 200").isGreaterThanOrEqualTo(answered);
                assertThat(recovered).as("calls of the killed worker recorded by the second").isNotEmpty()
                        .allSatisfy(e -> assertThat(e.getInterrupted()).isTrue());
                // A call cut off by the kill is billed at its worst case: the journal cannot tell one that reached the
                // provider from one killed while it waited for the journal's acknowledgement, and a provider bills what it
                // generated for a client that went away. So the books may count more calls than arrived, never fewer.
                // recorded from the journal: calls in flight at the kill and calls answered but not yet committed; never a
                // request whose result was committed before it
                assertThat(recovered.size()).isLessThanOrEqualTo(REQUESTS - beforeKill.size());
                assertThat(billedEvents).isEqualTo(REQUESTS + recovered.size());
                // made again: only calls the journal says the killed worker started without committing their output (in
                // flight at the kill, or answered since its last commit; how many of the latter depends on how long that
                // commit took, so the bound is the journal's count, not a time); one may have been journalled and killed
                // before it reached the provider, so at most as many
                long redone = sim.stats().calls("gpt-a") - REQUESTS;
                assertThat(redone).as("provider calls made twice").isBetween(1L, (long) recovered.size());
                assertThat(callsAtKill).isGreaterThan(beforeKill.size());
            } finally {
                second.destroy();
                second.waitFor();
            }
        }
    }

    @Test
    void shouldSendTheRequestsWhoseCallsWereCutOffBackToTheRouterWithTheirCallsRecorded() throws Exception {
        sim.script("gpt-a", FaultScript.none().withLatency(300, 100));
        String yaml = PipelineHarness.fourProviders(sim.baseUrl(), null)
                .replace("worker:\n", "worker:\n  maxInFlight: " + MAX_IN_FLIGHT + "\n");
        try (PipelineHarness h = new PipelineHarness("readmit", yaml)) {
            Path config = loaded(h, yaml);
            Process first = worker(h, config, "readmit-first.log");
            int answeredBeforeKill = h.results(REQUESTS / 4, Duration.ofSeconds(60)).size();
            first.destroyForcibly();
            first.waitFor();

            Process second = worker(h, config, "readmit-second.log");
            try {
                String requests = h.catalog().topics().requests();
                List<LlmResult> results = h.resultsUntil(r -> r.size() + h.read(requests, 0, Duration.ZERO).size() >= REQUESTS,
                        Duration.ofSeconds(90));
                List<io.llmpipeline.schemas.LlmRequest> readmitted = h.read(requests, 0, Duration.ofMillis(500)).stream()
                        .map(r -> io.llmpipeline.schemas.Codecs.REQUEST.decode(r.value())).toList();
                h.invocations(REQUESTS, Duration.ofSeconds(10));
                List<InvocationEvent> events = h.invocations(Integer.MAX_VALUE, Duration.ofSeconds(3));

                assertThat(readmitted).as("the requests whose calls the kill cut off").isNotEmpty()
                        .hasSizeLessThanOrEqualTo(REQUESTS - answeredBeforeKill)
                        .allSatisfy(r -> assertThat(io.llmpipeline.schemas.Readmissions.attemptsBefore(r)).isPositive());
                java.util.Set<String> answered = results.stream().map(LlmResult::getRequestId).collect(Collectors.toSet());
                java.util.Set<String> sentBack = readmitted.stream().map(io.llmpipeline.schemas.LlmRequest::getRequestId)
                        .collect(Collectors.toSet());
                assertThat(answered).as("answered here or sent back, never both").doesNotContainAnyElementsOf(sentBack);
                assertThat(answered.size() + sentBack.size()).isEqualTo(REQUESTS);
                assertThat(events.stream().filter(e -> sentBack.contains(e.getRequestId()) && e.getFinalAttempt()))
                        .as("each sent back with one final event: the router releases its reservation").hasSize(sentBack.size());
                assertThat(sim.stats().calls("gpt-a")).as("no call made twice by the workers")
                        .isLessThanOrEqualTo(REQUESTS);
                long billedEvents = events.stream().filter(InvocationEvent::getBilled).count();
                assertThat(billedEvents).isEqualTo(REQUESTS);
            } finally {
                second.destroy();
                second.waitFor();
            }
        }
    }

    /** Puts the requests on the assigned topic and writes the workers' config file. */
    private Path loaded(PipelineHarness h, String yaml) throws IOException {
        Path config = dir.resolve("pipeline.yaml");
        Files.writeString(config, yaml);
        for (int i = 0; i < REQUESTS; i++) {
            h.send(Assignments.of("k-" + i, "question " + i, new ModelRef("openai", "gpt-a")).build());
        }
        h.flush();
        return config;
    }

    /** The same id for every process: the new one's transactional producer fences the dead one's open transaction at once. */
    private static Process worker(PipelineHarness h, Path config, String log) throws IOException {
        return h.startWorkerProcess(config, "crash-worker", Path.of(System.getProperty("java.io.tmpdir"), "crash-" + log).toFile());
    }
}
