package io.llmpipeline.router.internals.budget;

import io.llmpipeline.schemas.LlmAssignment;

/**
 * What the admitting task's one {@link BudgetAdmission} processor takes: requests to admit and its
 * ledger owners' answers, in one processor so the task's leases have one reader and writer.
 */
public sealed interface AdmissionInput {
    record Assigned(LlmAssignment assignment) implements AdmissionInput {
    }

    record Notice(HolderNotice notice) implements AdmissionInput {
    }
}
