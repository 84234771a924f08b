package io.llmpipeline.worker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.llmpipeline.schemas.InvocationEvent;
import io.llmpipeline.schemas.LlmAssignment;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.ModelRef;
import io.llmpipeline.schemas.Priority;
import io.llmpipeline.sim.FaultScript;
import io.llmpipeline.worker.Worker;

/** Workers joining and leaving the group under load: partitions move, no request is answered twice. */
class WorkerRebalanceIT extends WithSimulator {
    /** Enough work that each joining worker is assigned partitions before the others drain the topic. */
    private static final int REQUESTS = 1500;

    @Test
    void shouldAnswerEachRequestOnceWhileWorkersJoinAndLeave() throws Exception {
        sim.script("gpt-a", FaultScript.none().withLatency(300, 200));
        String yaml = PipelineHarness.fourProviders(sim.baseUrl(), null).replace("worker:\n", "worker:\n  maxInFlight: 60\n"
                // no router here to readmit to: the next owner calls again, on the same reservation
                + "  readmitInterrupted: false\n");
        try (PipelineHarness h = new PipelineHarness("rebalance", yaml)) {
            for (int i = 0; i < REQUESTS; i++) {
                // every priority, so every partition has work whichever a newcomer is given
                LlmAssignment.Builder b = Assignments.of("m-" + i, "q" + i, new ModelRef("openai", "gpt-a"));
                Priority priority = Priority.values()[i % Priority.values().length];
                b.setRequest(LlmRequest.newBuilder(b.getRequest()).setPriority(priority).build());
                h.send(b.build());
            }
            h.flush();

            Worker a = Worker.start(h.catalog(), h.bootstrap(), "a");
            h.results(100, Duration.ofSeconds(30));
            // each step waits for the newcomer to have answered something: a fixed result count raced the rebalance
            Worker b = Worker.start(h.catalog(), h.bootstrap(), "b");
            await().atMost(Duration.ofSeconds(30)).until(() -> b.stats().finishedRequests() > 0);
            Worker c = Worker.start(h.catalog(), h.bootstrap(), "c");
            await().atMost(Duration.ofSeconds(30)).until(() -> c.stats().finishedRequests() > 0);
            a.close();
            List<LlmResult> results = h.results(REQUESTS, Duration.ofSeconds(60));
            h.invocations(REQUESTS, Duration.ofSeconds(10));
            List<InvocationEvent> events = h.invocations(Integer.MAX_VALUE, Duration.ofSeconds(3));
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
            // ... and the abandoned ones are recorded by the partition's next owner from the attempt journal
            long billedEvents = events.stream().filter(InvocationEvent::getBilled).count();
            assertThat(billedEvents).as("billed events against calls answered 200")
                    .isGreaterThanOrEqualTo(sim.stats().callsWithStatus("gpt-a", 200));
            assertThat(events.stream().map(InvocationEvent::getEventId).distinct().count()).as("event ids unique")
                    .isEqualTo(events.size());
        }
    }
}
