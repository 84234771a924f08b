package io.llmpipeline.analytics;

import java.util.Map;

import io.llmpipeline.schemas.ErrorKind;
import io.llmpipeline.schemas.InvocationEvent;
import io.llmpipeline.schemas.InvocationOutcome;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.Priority;
import io.llmpipeline.schemas.ResultStatus;
import io.llmpipeline.schemas.Usage;

/** Real Avro records for tests, with the figures a test asserts on. */
public final class Events {
    private Events() {
    }

    public static InvocationEvent invocation(String requestId, String tenant, String model, long endedAtMs, long costMicros,
                                             InvocationOutcome outcome, Map<String, String> labels) {
        boolean billed = costMicros > 0;
        return InvocationEvent.newBuilder()
                .setEventId(requestId + "/1").setRequestId(requestId).setTenantId(tenant).setTaskType("chat")
                .setAttempt(1).setProvider("sim-openai").setModel(model)
                .setStartedAtMs(endedAtMs - 400).setEndedAtMs(endedAtMs)
                .setOutcome(outcome)
                .setErrorKind(outcome == InvocationOutcome.SUCCESS ? null : ErrorKind.PROVIDER_ERROR)
                .setUsage(new Usage(100, 50, 0, 0))
                .setCostMicros(costMicros).setBilled(billed).setFinalAttempt(true)
                .setLabels(labels)
                .build();
    }

    /** An attempt of {@code taskType} on {@code model}, ending at {@code endedAtMs}, with the given tokens. */
    public static InvocationEvent.Builder attempt(String requestId, String tenant, String taskType, String model, long endedAtMs,
                                                  long costMicros, int inputTokens, int outputTokens) {
        return InvocationEvent.newBuilder()
                .setEventId(requestId + "/1").setRequestId(requestId).setTenantId(tenant).setTaskType(taskType)
                .setAttempt(1).setProvider(model.startsWith("claude") ? "sim-anthropic" : "sim-openai").setModel(model)
                .setStartedAtMs(endedAtMs - 500).setEndedAtMs(endedAtMs)
                .setOutcome(InvocationOutcome.SUCCESS)
                .setUsage(new Usage(inputTokens, outputTokens, 0, 0))
                .setCostMicros(costMicros).setBilled(costMicros > 0).setFinalAttempt(true);
    }

    public static LlmResult result(String requestId, String tenant, long completedAtMs, boolean cacheHit, long savedMicros,
                                   Map<String, String> metadata) {
        return LlmResult.newBuilder()
                .setRequestId(requestId).setTenantId(tenant).setTaskType("chat").setPriority(Priority.NORMAL)
                .setStatus(ResultStatus.OK).setOutput("ok").setProvider("sim-openai").setModel("gpt-4o-mini")
                .setUsage(new Usage(100, 50, 0, 0)).setCostMicros(cacheHit ? 0 : 45)
                .setCacheHit(cacheHit).setSavedCostMicros(savedMicros).setSavedTokens(cacheHit ? 150 : 0)
                .setMetadata(metadata).setCompletedAtMs(completedAtMs)
                .build();
    }
}
