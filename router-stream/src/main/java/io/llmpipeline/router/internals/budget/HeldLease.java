package io.llmpipeline.router.internals.budget;

import io.llmpipeline.quota.Lease;

/**
 * What a task that admits requests holds on one ledger: a lease, or an ask for one in flight.
 *
 * @param owner     the tenant or provider whose task owns the ledger
 * @param lease     the lease held, or null while asking
 * @param askedAtMs when the ask went out, or -1 when not asking
 */
public record HeldLease(BudgetStage stage, String owner, BudgetScopes.Applicable ledger, Lease lease, long askedAtMs) {
    boolean asking() {
        return askedAtMs >= 0;
    }
}
