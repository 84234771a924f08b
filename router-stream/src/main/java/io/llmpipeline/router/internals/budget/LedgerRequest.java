package io.llmpipeline.router.internals.budget;

import java.util.List;

/**
 * What a task that admits requests tells the task owning a ledger (JSON on the stage's internal
 * ledger topic, keyed by tenant or provider like the ledgers).
 *
 * <ul>
 *   <li>ASK: grant me a lease on {@code ledger}, I need at least {@code micros} (for a low-priority
 *       request when {@code lowPriority});</li>
 *   <li>RETURN: I give lease {@code leaseIds[0]} back, having used {@code micros} of it;</li>
 *   <li>USE: I admitted {@code requestId} for up to {@code micros} on each of {@code ledgers}, out of
 *       the leases {@code leaseIds} (same order): turn that part of the leases into its reservation.</li>
 * </ul>
 *
 * @param holder the asking task's partition: grants and recalls go back there
 */
public record LedgerRequest(Kind kind, int holder, BudgetScopes.Applicable ledger, long micros, boolean lowPriority,
                            String requestId, String tenant, String provider, List<String> ledgers, List<String> leaseIds,
                            long atMs, List<String> otherProviders) {
    public enum Kind { ASK, RETURN, USE }

    public LedgerRequest {
        ledgers = ledgers == null ? List.of() : ledgers;
        leaseIds = leaseIds == null ? List.of() : leaseIds;
        otherProviders = otherProviders == null ? List.of() : otherProviders;
    }

    static LedgerRequest ask(int holder, BudgetScopes.Applicable ledger, long need, boolean lowPriority, long nowMs) {
        return new LedgerRequest(Kind.ASK, holder, ledger, need, lowPriority, null, null, null, null, null, nowMs, null);
    }

    static LedgerRequest giveBack(int holder, String ledgerKey, String leaseId, long used, long nowMs) {
        return new LedgerRequest(Kind.RETURN, holder, null, used, false, null, null, null, List.of(ledgerKey), List.of(leaseId), nowMs, null);
    }

    static LedgerRequest use(int holder, String requestId, String tenant, String provider, List<String> ledgers, List<String> leaseIds,
                             long micros, long admittedAtMs, List<String> otherProviders) {
        return new LedgerRequest(Kind.USE, holder, null, micros, false, requestId, tenant, provider, ledgers, leaseIds, admittedAtMs,
                otherProviders);
    }
}
