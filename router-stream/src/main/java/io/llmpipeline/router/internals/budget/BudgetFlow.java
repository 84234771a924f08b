package io.llmpipeline.router.internals.budget;

import io.llmpipeline.schemas.InvocationEvent;
import io.llmpipeline.schemas.LlmAssignment;

/**
 * Where the budget stages send what they decided: the admitted assignment onwards, a message to a
 * ledger's owner or back to a holder, or budget another task must give back.
 */
public sealed interface BudgetFlow {
    record Admitted(LlmAssignment assignment) implements BudgetFlow {
    }

    /** @param owner the tenant (tenant stage) or provider (provider stage) that owns the ledgers */
    record ToOwner(BudgetStage stage, String owner, LedgerRequest request) implements BudgetFlow {
    }

    record ToHolder(HolderNotice notice) implements BudgetFlow {
    }

    /**
     * Budget held elsewhere must be given back: by the tenant stage or an earlier provider hop when a
     * later one refused the request, or by the other providers of a chain when its final attempt is
     * in. Carried as a synthetic final REJECTED invocation (cost 0) for the stage and provider that
     * hold it, so it joins the real invocations there.
     */
    record Release(InvocationEvent release, BudgetStage stage) implements BudgetFlow {
    }
}
