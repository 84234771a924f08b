package io.llmpipeline.router;

import io.llmpipeline.schemas.InvocationEvent;
import io.llmpipeline.schemas.InvocationOutcome;
import io.llmpipeline.schemas.LlmAssignment;
import io.llmpipeline.schemas.Usage;

/** Invocation events as the worker writes them, for tests that play the worker. */
public final class Invocations {
    private Invocations() {
    }

    public static InvocationEvent.Builder of(LlmAssignment a, int attempt, long costMicros, boolean finalAttempt) {
        return InvocationEvent.newBuilder()
                .setEventId(a.getRequest().getRequestId() + "/" + attempt)
                .setRequestId(a.getRequest().getRequestId())
                .setTenantId(a.getRequest().getTenantId())
                .setTaskType(a.getRequest().getTaskType())
                .setCacheKey(a.getCacheKey())
                .setAttempt(attempt)
                .setProvider(a.getTarget().getProvider())
                .setModel(a.getTarget().getModel())
                .setStartedAtMs(0)
                .setEndedAtMs(100)
                .setOutcome(InvocationOutcome.SUCCESS)
                .setEstimatedInputTokens(a.getEstimatedInputTokens())
                .setUsage(new Usage(a.getEstimatedInputTokens(), 10, 0, 0))
                .setCostMicros(costMicros)
                .setReservedMicros(a.getEstimatedCostMicros())
                .setBudgetHolds(a.getBudgetHolds())
                .setAdmittedAtMs(a.getAdmittedAtMs())
                .setBilled(costMicros > 0)
                .setShadow(a.getShadow())
                .setFinalAttempt(finalAttempt)
                .setWorkerId("test-worker");
    }
}
