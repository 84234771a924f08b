package io.llmpipeline.router.internals.budget;

import io.llmpipeline.catalog.CostCalculator;

/**
 * What a ledger's owner answers a task that admits requests (JSON on the router's lease-grants
 * topic, partitioned by {@code holder}).
 *
 * <ul>
 *   <li>GRANT: lease {@code leaseId} of {@code micros} on {@code ledgerKey}, of which {@code lowMicros}
 *       may admit low-priority requests;</li>
 *   <li>REFUSE: the ledger cannot cover {@code micros} more ({@code lowPriority}: for low priorities);
 *       the figures say why;</li>
 *   <li>RECALL: give your lease on {@code ledgerKey} back now, another task needs the room.</li>
 * </ul>
 */
public record HolderNotice(Kind kind, int holder, BudgetStage stage, String owner, String ledgerKey, String leaseId, long micros, long lowMicros, boolean lowPriority,
                           String describe, long spentMicros, long heldMicros, long limitMicros, long cutoffPermille) {
    public enum Kind { GRANT, REFUSE, RECALL }

    static HolderNotice grant(int holder, BudgetStage stage, String owner, String ledgerKey, String leaseId, long micros, long lowMicros) {
        return new HolderNotice(Kind.GRANT, holder, stage, owner, ledgerKey, leaseId, micros, lowMicros, false, null, 0, 0, 0, 0);
    }

    static HolderNotice recall(int holder, BudgetStage stage, String owner, String ledgerKey) {
        return new HolderNotice(Kind.RECALL, holder, stage, owner, ledgerKey, null, 0, 0, false, null, 0, 0, 0, 0);
    }

    static HolderNotice refuse(int holder, BudgetStage stage, String owner, String ledgerKey, long room, boolean lowPriority, Ledger ledger, long cutoffPermille) {
        String describe = ledger.scope() + " '" + ledger.scopeKey() + "' " + ledger.window() + " limit $"
                + CostCalculator.formatUsd(ledger.limitMicros());
        return new HolderNotice(Kind.REFUSE, holder, stage, owner, ledgerKey, null, room, 0, lowPriority, describe, ledger.spentMicros(),
                ledger.reservedMicros() + ledger.leasedMicros(), ledger.limitMicros(), cutoffPermille);
    }

    /** Whether a request needing {@code cost} at this priority is refused by this answer. */
    boolean refuses(long cost, boolean low) {
        return cost > micros && (low || !lowPriority);
    }

    /** The reason given to the caller, in the words admission always used. */
    String reason(long cost, io.llmpipeline.schemas.Priority priority) {
        if (lowPriority) {
            long after = heldMicros + spentMicros + cost;
            return "budget reserved for higher priorities: " + describe + " would reach " + (after * 100 / limitMicros) + "% ($"
                    + CostCalculator.formatUsd(after) + "); " + priority + " requests are refused above " + cutoffPermille / 10.0 + "%";
        }
        return "budget exceeded: " + describe + " has $" + CostCalculator.formatUsd(spentMicros) + " spent and $"
                + CostCalculator.formatUsd(heldMicros) + " reserved; this request needs up to $" + CostCalculator.formatUsd(cost);
    }
}
