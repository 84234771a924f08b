package io.llmpipeline.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.llmpipeline.schemas.DlqEnvelope;
import io.llmpipeline.schemas.InvocationEvent;
import io.llmpipeline.schemas.InvocationOutcome;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.ModelRef;
import io.llmpipeline.schemas.ResultReadBack;
import io.llmpipeline.schemas.ResultStatus;
import io.llmpipeline.sim.FaultScript;
import io.llmpipeline.worker.Worker;

/** The walking skeleton: assignments in, one result and one invocation event per request out. */
class WorkerSkeletonIT extends WithSimulator {

    @Test
    void shouldAnswerEveryAssignmentWithOneResultAndOneInvocationEvent() {
        sim.script("gpt-a", FaultScript.builder().latencyMs(200).build());
        try (PipelineHarness h = new PipelineHarness("skeleton", PipelineHarness.fourProviders(sim.baseUrl(), null));
             Worker worker = Worker.start(h.catalog(), h.bootstrap(), "w1")) {
            int n = 200;
            for (int i = 0; i < n; i++) {
                var assignment = Assignments.of("req-" + i, "question " + i, new ModelRef("openai", "gpt-a"));
                // even requests are not cached: nothing in the router waits for their results
                h.send((i % 2 == 0 ? assignment.setCacheKey(null) : assignment).build());
            }
            h.flush();

            List<LlmResult> results = h.results(n, Duration.ofSeconds(30));
            Map<String, Boolean> skippable = h.read(h.catalog().topics().results(), n, Duration.ofSeconds(5)).stream()
                    .collect(Collectors.toMap(ConsumerRecord::key, r -> ResultReadBack.ignored(r.headers())));
            assertThat(skippable).as("the router skips undecoded only the results no cache fill waits for")
                    .containsEntry("req-7", false).containsEntry("req-8", true)
                    .containsEntry("req-9", false).containsEntry("req-10", true);
            List<InvocationEvent> events = h.invocations(n, Duration.ofSeconds(10));

            assertThat(results).hasSize(n);
            Map<String, LlmResult> byId = results.stream().collect(Collectors.toMap(LlmResult::getRequestId, Function.identity()));
            assertThat(byId).hasSize(n);
            LlmResult r7 = byId.get("req-7");
            assertThat(r7.getStatus()).isEqualTo(ResultStatus.OK);
            assertThat(r7.getOutput()).isEqualTo("Answer from gpt-a: question 7");
            assertThat(r7.getTenantId()).isEqualTo("tenant-a");
            assertThat(r7.getCacheKey()).isEqualTo("ck-req-7");
            assertThat(r7.getAttempts()).isEqualTo(1);
            assertThat(r7.getUsage().getInputTokens()).isPositive();
            assertThat(r7.getCostMicros()).isPositive();
            assertThat(r7.getMetadata()).containsEntry("caller", "test");

            assertThat(events).hasSize(n);
            assertThat(events).extracting(InvocationEvent::getRequestId).doesNotHaveDuplicates();
            InvocationEvent e7 = events.stream().filter(e -> e.getRequestId().equals("req-7")).findFirst().orElseThrow();
            assertThat(e7.getOutcome()).isEqualTo(InvocationOutcome.SUCCESS);
            assertThat(e7.getFinalAttempt()).isTrue();
            assertThat(e7.getBilled()).isTrue();
            assertThat(e7.getReservedMicros()).isEqualTo(500);
            assertThat(e7.getCostMicros()).isEqualTo(r7.getCostMicros());
            assertThat(e7.getEventId()).isEqualTo("req-7/1");
            // the router calibrates its token estimates from these characters against usage
            assertThat(e7.getPromptChars()).isEqualTo("Be brief.".length() + "question 7".length());
            // 200 calls of 200 ms over 12 partitions finish only if far more than 12 run at once
            assertThat(worker.stats().inFlightMax()).isGreaterThan(12);
        }
    }

    @Test
    void shouldDeadLetterAnUndecodableRecordAndKeepGoing() {
        try (PipelineHarness h = new PipelineHarness("poison", PipelineHarness.fourProviders(sim.baseUrl(), null));
             Worker worker = Worker.start(h.catalog(), h.bootstrap(), "w1")) {
            int partition = h.catalog().bands().firstPartition(io.llmpipeline.schemas.Priority.NORMAL);
            h.send(Assignments.of("before", "one", new ModelRef("openai", "gpt-a")).build());
            h.sendRaw("poison-1", "not avro".getBytes(StandardCharsets.UTF_8), partition);
            h.send(Assignments.of("after", "two", new ModelRef("openai", "gpt-a")).build());
            h.flush();

            List<DlqEnvelope> dlq = h.dlq(1, Duration.ofSeconds(20));
            List<LlmResult> results = h.results(2, Duration.ofSeconds(20));

            assertThat(dlq).hasSize(1);
            assertThat(dlq.getFirst().getStage()).isEqualTo("worker");
            assertThat(dlq.getFirst().getReason()).contains("LlmAssignment");
            assertThat(dlq.getFirst().getSourceTopic()).isEqualTo(h.catalog().topics().assigned());
            assertThat(new String(dlq.getFirst().getValue().array(), StandardCharsets.UTF_8)).isEqualTo("not avro");
            assertThat(results).extracting(LlmResult::getRequestId).containsExactlyInAnyOrder("before", "after");
            assertThat(worker.stats().deadLettered()).isEqualTo(1);
        }
    }
}
