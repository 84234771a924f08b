package io.llmpipeline.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.llmpipeline.schemas.InvocationEvent;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.ModelRef;
import io.llmpipeline.sim.FaultScript;
import io.llmpipeline.sim.ProviderSimulator;
import io.llmpipeline.worker.Worker;

/** Workers joining and leaving the group under load: partitions move, no request is answered twice. */
class WorkerRebalanceIT {
    private static final int REQUESTS = 600;
    private static ProviderSimulator sim;

    @BeforeAll
    static void startSim() {
        sim = ProviderSimulator.start(0);
    }

    @AfterAll
    static void stopSim() {
        sim.close();
    }

    @Test
    void shouldAnswerEachRequestOnceWhileWorkersJoinAndLeave() throws Exception {
        sim.script("gpt-a", FaultScript.none().withLatency(300, 200));
        String yaml = PipelineHarness.fourProviders(sim.baseUrl(), null).replace("worker:\n", "worker:\n  maxInFlight: 60\n");
        try (PipelineHarness h = new PipelineHarness("rebalance", yaml)) {
            for (int i = 0; i < REQUESTS; i++) {
                h.send(Assignments.of("m-" + i, "q" + i, new ModelRef("openai", "gpt-a")).build());
            }
            h.flush();

            Worker a = Worker.start(h.catalog(), h.bootstrap(), "a");
            h.results(100, Duration.ofSeconds(30));
            Worker b = Worker.start(h.catalog(), h.bootstrap(), "b");
            h.results(250, Duration.ofSeconds(30));
            Worker c = Worker.start(h.catalog(), h.bootstrap(), "c");
            h.results(400, Duration.ofSeconds(30));
            a.close();
            List<LlmResult> results = h.results(REQUESTS, Duration.ofSeconds(60));
            List<InvocationEvent> events = h.invocations(REQUESTS, Duration.ofSeconds(10));
            b.close();
            c.close();

            Map<String, Long> perRequest = results.stream()
                    .collect(Collectors.groupingBy(LlmResult::getRequestId, Collectors.counting()));
            assertThat(perRequest).hasSize(REQUESTS);
            assertThat(perRequest.values()).as("results per request").containsOnly(1L);
            Map<String, Long> finalEvents = events.stream().filter(InvocationEvent::getFinalAttempt)
                    .collect(Collectors.groupingBy(InvocationEvent::getRequestId, Collectors.counting()));
            assertThat(finalEvents.values()).containsOnly(1L);
            assertThat(finalEvents).hasSize(REQUESTS);
            assertThat(b.stats().finishedRequests()).isPositive();
            assertThat(c.stats().finishedRequests()).isPositive();
            // calls abandoned when a partition moved are made again, at most what one worker had in flight per move
            assertThat(sim.stats().calls("gpt-a")).isBetween((long) REQUESTS, (long) REQUESTS + 3 * 60);
        }
    }
}
