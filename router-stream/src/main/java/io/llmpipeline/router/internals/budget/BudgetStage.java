package io.llmpipeline.router.internals.budget;

import java.util.EnumSet;
import java.util.Set;

import io.llmpipeline.schemas.BudgetScope;

/**
 * Budgets are enforced in two stages, each owning its scopes on one partition key, so exactly one
 * stream task decides about each scope and two router instances can never both spend its last dollar.
 * The tenant stage (key: tenant) holds TENANT and TENANT_PROVIDER scopes; the provider stage
 * (key: provider) holds PROVIDER and MODEL scopes, since a model belongs to exactly one provider.
 */
public enum BudgetStage {
    TENANT(EnumSet.of(BudgetScope.TENANT, BudgetScope.TENANT_PROVIDER)),
    PROVIDER(EnumSet.of(BudgetScope.PROVIDER, BudgetScope.MODEL));

    private final Set<BudgetScope> scopes;

    BudgetStage(Set<BudgetScope> scopes) {
        this.scopes = scopes;
    }

    public Set<BudgetScope> scopes() {
        return scopes;
    }

    public String partitionKey(String tenant, String provider) {
        return this == TENANT ? tenant : provider;
    }

    public String ledgerStore() {
        return "budget-" + name().toLowerCase() + "-ledger";
    }

    /** The leases this stage's ledgers granted to admitting tasks ({@link GrantedLease}). */
    public String leaseStore() {
        return "budget-" + name().toLowerCase() + "-granted-leases";
    }

    /** Asks for a lease that wait while other tasks give theirs back. */
    public String askStore() {
        return "budget-" + name().toLowerCase() + "-asks";
    }
}
