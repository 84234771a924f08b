package io.llmpipeline.router.internals.budget;

import io.llmpipeline.schemas.LlmAssignment;

/**
 * Where the budget stages send what they decided: the admitted assignment onwards, a message to a
 * ledger's owner, or back to a holder.
 */
public sealed interface BudgetFlow {
    record Admitted(LlmAssignment assignment) implements BudgetFlow {
    }

    /** @param owner the tenant (tenant stage) or provider (provider stage) that owns the ledgers */
    record ToOwner(BudgetStage stage, String owner, LedgerRequest request) implements BudgetFlow {
    }

    record ToHolder(HolderNotice notice) implements BudgetFlow {
    }
}
