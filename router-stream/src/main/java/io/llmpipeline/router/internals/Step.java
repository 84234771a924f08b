package io.llmpipeline.router.internals;

import io.llmpipeline.router.internals.budget.BudgetStage;
import io.llmpipeline.schemas.BudgetAlert;
import io.llmpipeline.schemas.DlqEnvelope;
import io.llmpipeline.schemas.LlmResult;

/**
 * What a router processor decided about one record: hand it to the next stage, or end it here with
 * a terminal result, a dead letter or a budget alert. Terminal steps are written to their topics by
 * {@link Outlets}; only {@link Next} travels on.
 */
public sealed interface Step<T> {
    record Next<T>(T value) implements Step<T> {
    }

    record Answer<T>(LlmResult result) implements Step<T> {
    }

    record DeadLetter<T>(DlqEnvelope envelope) implements Step<T> {
    }

    record Alert<T>(BudgetAlert alert) implements Step<T> {
    }

    /**
     * Budget held elsewhere must be given back: by the tenant stage or an earlier provider hop when a
     * later one refused the request, or by the other providers of a chain when its final attempt is
     * in. Carried as a synthetic final REJECTED invocation (cost 0) for the stage and provider that
     * hold it, so it joins the real invocations there.
     */
    record Release<T>(io.llmpipeline.schemas.InvocationEvent release, BudgetStage stage) implements Step<T> {
    }

    static <T> Step<T> next(T value) {
        return new Next<>(value);
    }

    static <T> Step<T> answer(LlmResult result) {
        return new Answer<>(result);
    }

    static <T> Step<T> deadLetter(DlqEnvelope envelope) {
        return new DeadLetter<>(envelope);
    }

    static <T> Step<T> alert(BudgetAlert alert) {
        return new Alert<>(alert);
    }
}
