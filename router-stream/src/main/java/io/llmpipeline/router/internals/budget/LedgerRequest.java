package io.llmpipeline.router.internals.budget;

import java.util.List;

/**
 * What a task that admits requests tells the task owning a ledger (JSON on the stage's internal
 * ledger topic, keyed by tenant or provider like the ledgers).
 *
 * <ul>
 *   <li>ASK: grant me a lease on {@code ledger}, I need at least {@code micros} (for a low-priority
 *       request when {@code lowPriority}); with {@code renewal}, the next lease while I still use the current one;</li>
 *   <li>RETURN: I give lease {@code leaseIds[0]} back, having used {@code micros} of it;</li>
 *   <li>USE: I admitted {@code requestId} for up to {@code micros} on each of {@code ledgers}, out of
 *       the leases {@code leaseIds} (same order): turn that part of the leases into its reservation.</li>
 *   <li>USES: the same for each of {@code uses}, all taken out of {@code leaseIds} on {@code ledgers}: a
 *       task reports what it admitted in one record per lease and flush, not one per request.</li>
 * </ul>
 *
 * @param holder the asking task's partition: grants and recalls go back there
 */
public record LedgerRequest(Kind kind, int holder, BudgetScopes.Applicable ledger, long micros, boolean lowPriority,
                            String requestId, String tenant, String provider, List<String> ledgers, List<String> leaseIds,
                            long atMs, List<String> otherProviders, List<UseReport> uses, boolean renewal) {
    public enum Kind { ASK, RETURN, USE, USES }

    public LedgerRequest {
        ledgers = ledgers == null ? List.of() : ledgers;
        leaseIds = leaseIds == null ? List.of() : leaseIds;
        otherProviders = otherProviders == null ? List.of() : otherProviders;
        uses = uses == null ? List.of() : uses;
    }

    static LedgerRequest ask(int holder, BudgetScopes.Applicable ledger, long need, boolean lowPriority, long nowMs) {
        return new LedgerRequest(Kind.ASK, holder, ledger, need, lowPriority, null, null, null, null, null, nowMs, null, null, false);
    }

    /**
     * An ask for the next lease while the holder still uses its current one, sent before that one is too
     * old to use, so requests never wait for it. Granted like any ask, but refused rather than recalling
     * other tasks' leases when the room cannot cover it: the holder then asks the ordinary way when its lease runs out.
     */
    static LedgerRequest renew(int holder, BudgetScopes.Applicable ledger, long nowMs) {
        return new LedgerRequest(Kind.ASK, holder, ledger, 1, false, null, null, null, null, null, nowMs, null, null, true);
    }

    static LedgerRequest giveBack(int holder, String ledgerKey, String leaseId, long used, long nowMs) {
        return new LedgerRequest(Kind.RETURN, holder, null, used, false, null, null, null, List.of(ledgerKey), List.of(leaseId), nowMs, null, null, false);
    }

    static LedgerRequest use(int holder, String requestId, String tenant, String provider, List<String> ledgers, List<String> leaseIds,
                             long micros, long admittedAtMs, List<String> otherProviders) {
        return new LedgerRequest(Kind.USE, holder, null, micros, false, requestId, tenant, provider, ledgers, leaseIds, admittedAtMs,
                otherProviders, null, false);
    }

    static LedgerRequest uses(int holder, String provider, List<String> ledgers, List<String> leaseIds, List<UseReport> uses, long nowMs) {
        return new LedgerRequest(Kind.USES, holder, null, 0, false, null, null, provider, ledgers, leaseIds, nowMs, null, uses, false);
    }

    /** The uses this report carries: its batch, or itself for a single USE. */
    List<UseReport> reports() {
        return kind == Kind.USE ? List.of(new UseReport(requestId, tenant, micros, atMs, otherProviders)) : uses;
    }
}
