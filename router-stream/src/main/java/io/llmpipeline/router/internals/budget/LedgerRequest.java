package io.llmpipeline.router.internals.budget;

import java.util.List;
import java.util.Map;

/**
 * What the owner of a stage's ledgers (JSON on the stage's internal ledger topic, keyed by tenant or
 * provider like the ledgers) hears from the tasks that admit requests and book invocations.
 *
 * <ul>
 *   <li>ASK: grant me a lease on {@code ledger}, I need at least {@code micros} (for a low-priority
 *       request when {@code lowPriority}); with {@code renewal}, the next lease while I still use the current one;</li>
 *   <li>RETURN: I give lease {@code leaseIds[0]} on {@code ledgers[0]} back, having used {@code micros} of it;</li>
 *   <li>BOOK: what invocations billed ({@code spends}, per ledger) and what finished requests held in
 *       leases ({@code finished}, lease id to micro-dollars) since the last booking: one record per
 *       owner and report window (see {@link BudgetBooking}).</li>
 * </ul>
 *
 * @param holder the asking task's partition: grants and recalls go back there
 */
public record LedgerRequest(Kind kind, int holder, BudgetScopes.Applicable ledger, long micros, boolean lowPriority,
                            List<String> ledgers, List<String> leaseIds, boolean renewal,
                            List<Spend> spends, Map<String, Long> finished) {
    public enum Kind { ASK, RETURN, BOOK }

    /** Billed money to book as spent on one ledger. */
    public record Spend(BudgetScopes.Applicable ledger, long micros) {
    }

    public LedgerRequest {
        ledgers = ledgers == null ? List.of() : ledgers;
        leaseIds = leaseIds == null ? List.of() : leaseIds;
        spends = spends == null ? List.of() : spends;
        finished = finished == null ? Map.of() : finished;
    }

    static LedgerRequest ask(int holder, BudgetScopes.Applicable ledger, long need, boolean lowPriority) {
        return new LedgerRequest(Kind.ASK, holder, ledger, need, lowPriority, null, null, false, null, null);
    }

    /**
     * An ask for the next lease while the holder still uses its current one, sent before that one is too
     * old to use, so requests never wait for it. Granted like any ask, but refused rather than recalling
     * other tasks' leases when the room cannot cover it: the holder then asks the ordinary way when its lease runs out.
     */
    static LedgerRequest renew(int holder, BudgetScopes.Applicable ledger) {
        return new LedgerRequest(Kind.ASK, holder, ledger, 1, false, null, null, true, null, null);
    }

    static LedgerRequest giveBack(int holder, String ledgerKey, String leaseId, long used) {
        return new LedgerRequest(Kind.RETURN, holder, null, used, false, List.of(ledgerKey), List.of(leaseId), false, null, null);
    }

    static LedgerRequest book(List<Spend> spends, Map<String, Long> finished) {
        return new LedgerRequest(Kind.BOOK, -1, null, 0, false, null, null, false, spends, finished);
    }
}
