package io.llmpipeline.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.CatalogLoader;
import io.llmpipeline.catalog.CostCalculator;
import io.llmpipeline.catalog.TokenCounter;
import io.llmpipeline.catalog.TokenizerKind;
import io.llmpipeline.schemas.ChatMessage;
import io.llmpipeline.schemas.DlqEnvelope;
import io.llmpipeline.schemas.ErrorKind;
import io.llmpipeline.schemas.LlmAssignment;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.ModelRef;
import io.llmpipeline.schemas.Priority;
import io.llmpipeline.schemas.ResultStatus;
import io.llmpipeline.schemas.Role;

class RouterTopologyTest {
    private final Catalog catalog = CatalogLoader.loadDefault();
    private final RouterDriver router = new RouterDriver(catalog);

    @AfterEach
    void close() {
        router.close();
    }

    @Test
    void shouldAssignTheRoutesFirstCandidateWithTheRestAsFallback() {
        LlmRequest request = Requests.valid("r-1").setTaskType("summarize.email").setPriority(Priority.HIGH).build();

        router.submit(request);

        TestRecord<String, LlmAssignment> out = router.assigned.readRecord();
        LlmAssignment a = out.value();
        assertThat(out.key()).isEqualTo("r-1");
        assertThat(a.getRoute()).isEqualTo("summarize");
        assertThat(a.getTarget()).isEqualTo(new ModelRef("sim-openai", "gpt-4o-mini"));
        assertThat(a.getFallbackChain()).containsExactly(new ModelRef("sim-openai", "gpt-4o"));
        int tokens = TokenCounter.count(TokenizerKind.O200K_BASE, request.getMessages());
        assertThat(a.getEstimatedInputTokens()).isEqualTo(tokens).isBetween(15, 30);
        assertThat(a.getExactTokenCount()).isTrue();
        // the worker may fail over to gpt-4o ($2.50 per M input, $10 per M output), so the reservation
        // is its worst case with max_tokens 100, not gpt-4o-mini's
        assertThat(a.getEstimatedCostMicros())
                .isEqualTo(CostCalculator.worstCaseMicros(catalog.requireModel("gpt-4o").price(), tokens, 100))
                .isEqualTo((long) Math.ceil(tokens * 2.5 + 100 * 10));
        assertThat(a.getRequest()).isEqualTo(request);
        assertThat(a.getAssignedAtMs()).isEqualTo(RouterDriver.START.toEpochMilli());
        assertThat(router.results.isEmpty()).isTrue();
    }

    @Test
    void shouldPreferTheLongestMatchingRoute() {
        router.submit(Requests.valid("r-2").setTaskType("reasoning.math").build());

        LlmAssignment a = router.assigned.readValue();
        assertThat(a.getRoute()).isEqualTo("reason");
        assertThat(a.getTarget().getModel()).isEqualTo("gpt-4o");
    }

    @Test
    void shouldReserveTheModelsMaxOutputWhenTheRequestSetsNoMaxTokens() {
        LlmRequest request = Requests.valid("r-3").setParams(Requests.params().setMaxTokens(null).build()).build();

        router.submit(request);

        LlmAssignment a = router.assigned.readValue();
        assertThat(a.getEstimatedCostMicros()).isEqualTo(CostCalculator.worstCaseMicros(
                catalog.requireModel("gpt-4o-mini").price(), a.getEstimatedInputTokens(), 16_384));
    }

    @Test
    void shouldHonourAnAllowedPinWithoutFallback() {
        router.submit(Requests.valid("r-4").setModel("gpt-3.5-turbo").build());

        LlmAssignment a = router.assigned.readValue();
        assertThat(a.getTarget().getModel()).isEqualTo("gpt-3.5-turbo");
        assertThat(a.getFallbackChain()).isEmpty();
        assertThat(a.getEstimatedInputTokens())
                .isEqualTo(TokenCounter.count(TokenizerKind.CL100K_BASE, a.getRequest().getMessages()));
    }

    @Test
    void shouldRefuseAPinTheRouteDoesNotAllow() {
        LlmResult result = rejected(b -> b.setModel("gpt-4o"));

        assertError(result, ErrorKind.INVALID_REQUEST, "model 'gpt-4o' is not allowed on route ''");
    }

    @Test
    void shouldRefuseAPinThatIsNotInTheCatalog() {
        assertError(rejected(b -> b.setModel("gpt-9")), ErrorKind.INVALID_REQUEST, "model 'gpt-9' is not in the catalog");
    }

    @Test
    void shouldRefuseABlankTenant() {
        assertError(rejected(b -> b.setTenantId(" ")), ErrorKind.INVALID_REQUEST, "tenant_id is blank");
    }

    @Test
    void shouldRefuseNoMessages() {
        assertError(rejected(b -> b.setMessages(List.of())), ErrorKind.INVALID_REQUEST, "messages is empty");
    }

    @Test
    void shouldRefuseAConversationWithoutAUserMessage() {
        assertError(rejected(b -> b.setMessages(List.of(new ChatMessage(Role.SYSTEM, "be brief", null, null)))),
                ErrorKind.INVALID_REQUEST, "no message with role USER");
    }

    @Test
    void shouldRefuseAnEmptyUserMessage() {
        assertError(rejected(b -> b.setMessages(List.of(new ChatMessage(Role.USER, "  ", null, null)))),
                ErrorKind.INVALID_REQUEST, "messages[0] (USER) has empty content");
    }

    @Test
    void shouldRefuseZeroMaxTokens() {
        assertError(rejected(b -> b.setParams(Requests.params().setMaxTokens(0).build())),
                ErrorKind.INVALID_REQUEST, "params.max_tokens is 0");
    }

    @Test
    void shouldRefuseTemperatureAboveTwo() {
        assertError(rejected(b -> b.setParams(Requests.params().setTemperature(2.5).build())),
                ErrorKind.INVALID_REQUEST, "params.temperature is 2.5; it must be between 0 and 2");
    }

    @Test
    void shouldRefuseTopPAboveOne() {
        assertError(rejected(b -> b.setParams(Requests.params().setTopP(1.2).build())),
                ErrorKind.INVALID_REQUEST, "params.top_p is 1.2");
    }

    @Test
    void shouldRefusePassthroughThatIsNotAJsonObject() {
        assertError(rejected(b -> b.setPassthroughJson("[1,2]")), ErrorKind.INVALID_REQUEST,
                "passthrough_json must be a JSON object, got ARRAY");
        assertError(rejected(b -> b.setPassthroughJson("{\"tools\":")), ErrorKind.INVALID_REQUEST,
                "passthrough_json is not valid JSON");
    }

    @Test
    void shouldRefuseARequestWhoseDeadlineHasPassed() {
        long now = RouterDriver.START.toEpochMilli();
        assertError(rejected(b -> b.setDeadlineEpochMs(now - 1_500)), ErrorKind.DEADLINE_EXCEEDED,
                "passed 1500 ms before the router saw the request");
    }

    @Test
    void shouldCopyTenantTaskPriorityAndMetadataToTheErrorResult() {
        LlmResult result = rejected(b -> b.setTaskType("summarize.x").setPriority(Priority.LOW).setMessages(List.of()));

        assertThat(result.getTenantId()).isEqualTo("acme");
        assertThat(result.getTaskType()).isEqualTo("summarize.x");
        assertThat(result.getPriority()).isEqualTo(Priority.LOW);
        assertThat(result.getMetadata()).containsEntry("caller", "test");
        assertThat(result.getCompletedAtMs()).isEqualTo(RouterDriver.START.toEpochMilli());
        assertThat(router.assigned.isEmpty()).isTrue();
    }

    @Test
    void shouldSendUndecodableBytesToTheDlqAndCarryOn() {
        byte[] garbage = "not avro".getBytes(StandardCharsets.UTF_8);
        router.rawRequests.pipeInput("bad-1", garbage);
        router.submit(Requests.valid("r-after").build());

        DlqEnvelope envelope = router.dlq.readValue();
        assertThat(envelope.getSourceTopic()).isEqualTo(catalog.topics().requests());
        assertThat(envelope.getSourceOffset()).isEqualTo(0);
        assertThat(envelope.getStage()).isEqualTo("router");
        assertThat(envelope.getReason()).startsWith("not a LlmRequest in Avro single-object encoding");
        assertThat(StandardCharsets.UTF_8.decode(envelope.getKey()).toString()).isEqualTo("bad-1");
        assertThat(envelope.getValue().remaining()).isEqualTo(garbage.length);
        assertThat(router.assigned.readKeyValue().key).isEqualTo("r-after");
    }

    @Test
    void shouldSendUndecodableInvocationsAndResultsToTheDlq() {
        var garbage = router.driver.createInputTopic(catalog.topics().invocations(),
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer());
        garbage.pipeInput("i-1", new byte[] {1, 2, 3});
        var garbageResults = router.driver.createInputTopic(catalog.topics().results(),
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer());
        garbageResults.pipeInput("r-1", new byte[] {4, 5});

        List<DlqEnvelope> dead = router.dlq.readValuesToList();

        assertThat(dead).extracting(DlqEnvelope::getSourceTopic)
                .containsExactly(catalog.topics().invocations(), catalog.topics().results());
        assertThat(dead.get(0).getReason()).startsWith("not a InvocationEvent");
        assertThat(dead.get(1).getReason()).startsWith("not a LlmResult");
    }

    private LlmResult rejected(UnaryOperator<LlmRequest.Builder> change) {
        router.advance(Duration.ZERO);
        router.submit(change.apply(Requests.valid("bad")).build());
        assertThat(router.assigned.isEmpty()).as("a refused request is never assigned").isTrue();
        TestRecord<String, LlmResult> record = router.results.readRecord();
        assertThat(record.key()).isEqualTo("bad");
        return record.value();
    }

    private static void assertError(LlmResult result, ErrorKind kind, String message) {
        assertThat(result.getStatus()).isEqualTo(ResultStatus.ERROR);
        assertThat(result.getError().getKind()).isEqualTo(kind);
        assertThat(result.getError().getMessage()).contains(message);
        assertThat(result.getRequestId()).isEqualTo("bad");
    }
}
