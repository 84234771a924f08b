package io.llmpipeline.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.llmpipeline.schemas.InvocationEvent;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.ModelRef;
import io.llmpipeline.schemas.ResultStatus;
import io.llmpipeline.sim.FaultScript;
import io.llmpipeline.worker.Worker;

/**
 * Three workers of one group and a provider limit of two calls at once: the group splits the two
 * in whole calls, so the provider never has more than two in flight, where three workers each
 * holding the catalog's figure would send six.
 */
class SharedConcurrencyIT extends WithSimulator {
    private static final ModelRef GPT_A = new ModelRef("openai", "gpt-a");
    private static final int AT_ONCE = 2;
    private static final int REQUESTS = 60;

    @Test
    void shouldKeepThreeWorkersTogetherToTheProvidersCallsAtOnce() {
        sim.script("gpt-a", FaultScript.none().withLatency(200, 0));
        try (PipelineHarness h = new PipelineHarness("shared-concurrency",
                PipelineHarness.fourProviders(sim.baseUrl(), "{maxConcurrentCalls: " + AT_ONCE + "}"));
             Worker w1 = Worker.start(h.catalog(), h.bootstrap(), "w1");
             Worker w2 = Worker.start(h.catalog(), h.bootstrap(), "w2");
             Worker w3 = Worker.start(h.catalog(), h.bootstrap(), "w3")) {
            long deadline = System.currentTimeMillis() + 90_000;
            h.sendRoundRobin("c", REQUESTS, GPT_A, deadline);
            List<LlmResult> results = h.results(REQUESTS, Duration.ofSeconds(90));
            List<InvocationEvent> events = h.invocations(REQUESTS, Duration.ofSeconds(5));

            assertThat(results).hasSize(REQUESTS).allSatisfy(r -> assertThat(r.getStatus()).isEqualTo(ResultStatus.OK));
            assertThat(sim.stats().inFlightMax("gpt-a")).as("never more than the group's limit at the provider")
                    .isLessThanOrEqualTo(AT_ONCE);
            assertThat(events.stream().map(InvocationEvent::getWorkerId).distinct())
                    .as("the calls were split between the workers, none kept them all").hasSizeGreaterThanOrEqualTo(2);
            assertThat(w1.share("concurrent:openai") + w2.share("concurrent:openai") + w3.share("concurrent:openai"))
                    .as("whole calls that add up to at most the limit").isLessThanOrEqualTo(1.0 + 1e-9);
        }
    }
}
