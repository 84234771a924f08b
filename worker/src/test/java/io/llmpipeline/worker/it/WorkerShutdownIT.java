package io.llmpipeline.worker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.ModelRef;
import io.llmpipeline.sim.FaultScript;
import io.llmpipeline.worker.Worker;

/** A worker closed under load finishes what it started and hands the rest over, nothing twice. */
class WorkerShutdownIT extends WithSimulator {

    @Test
    void shouldFinishInFlightCallsOnCloseAndLeaveTheRestToTheNextWorker() throws Exception {
        sim.script("gpt-a", FaultScript.none().withLatency(600, 0));
        String yaml = PipelineHarness.fourProviders(sim.baseUrl(), null).replace("worker:\n", "worker:\n  maxInFlight: 40\n");
        try (PipelineHarness h = new PipelineHarness("shutdown", yaml)) {
            for (int i = 0; i < 200; i++) {
                h.send(Assignments.of("g-" + i, "q" + i, new ModelRef("openai", "gpt-a")).build());
            }
            h.flush();
            Worker first = Worker.start(h.catalog(), h.bootstrap(), "first");
            await().atMost(Duration.ofSeconds(90)).until(() -> first.stats().inFlightNow() >= 40);
            first.close();
            long finishedByFirst = first.stats().finishedRequests();
            long callsByFirst = sim.stats().calls("gpt-a");

            try (Worker second = Worker.start(h.catalog(), h.bootstrap(), "second")) {
                List<LlmResult> results = h.results(200, Duration.ofSeconds(60));

                Map<String, Long> perRequest = results.stream()
                        .collect(Collectors.groupingBy(LlmResult::getRequestId, Collectors.counting()));
                assertThat(perRequest).hasSize(200);
                assertThat(perRequest.values()).containsOnly(1L);
                assertThat(finishedByFirst).as("the calls in flight at close were finished, not abandoned")
                        .isEqualTo(callsByFirst).isGreaterThanOrEqualTo(40);
                assertThat(sim.stats().calls("gpt-a")).as("no call made twice").isEqualTo(200);
                assertThat(second.stats().finishedRequests()).isEqualTo(200 - finishedByFirst);
            }
        }
    }
}
