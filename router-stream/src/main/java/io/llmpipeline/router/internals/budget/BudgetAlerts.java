package io.llmpipeline.router.internals.budget;

import java.util.List;
import java.util.function.Consumer;

import io.llmpipeline.catalog.TopicsConfig;
import io.llmpipeline.router.internals.SideTopic;
import io.llmpipeline.schemas.BudgetAlert;
import io.llmpipeline.schemas.Codecs;

/**
 * Finds the alert thresholds a ledger has newly crossed. A ledger remembers the highest threshold
 * already sent, and it is updated in the same Kafka transaction as the alert, so each threshold
 * goes out exactly once per scope and window. Money billed is measured (plus anything a router before
 * 2026-12-05 reserved per request): the worst cases of requests in flight sit in leases, which the
 * owner does not see request by request.
 */
public final class BudgetAlerts {
    /** Where alerts go; stages emit them as {@code Step.emit(BudgetAlerts.TOPIC, alert)}. */
    public static final SideTopic<BudgetAlert> TOPIC = new SideTopic<>("alert", BudgetAlert.class, TopicsConfig::budgetAlerts,
            Codecs.BUDGET_ALERT);

    private final List<Integer> thresholds;

    BudgetAlerts(List<Integer> thresholds) {
        this.thresholds = thresholds.stream().sorted().toList();
    }

    /** Emits each newly crossed threshold and returns the ledger marked with the highest. */
    Ledger check(Ledger ledger, long nowMs, Consumer<BudgetAlert> emit) {
        int highest = ledger.alertedPercent();
        for (int threshold : thresholds) {
            if (threshold > highest && ledger.committedMicros() * 100 >= (long) threshold * ledger.limitMicros()) {
                emit.accept(BudgetAlert.newBuilder()
                        .setScopeType(ledger.scope())
                        .setScopeKey(ledger.scopeKey())
                        .setWindow(ledger.window())
                        .setWindowStartMs(ledger.windowStartMs())
                        .setThresholdPercent(threshold)
                        .setLimitMicros(ledger.limitMicros())
                        .setSpentMicros(ledger.spentMicros())
                        .setReservedMicros(ledger.reservedMicros())
                        .setAtMs(nowMs)
                        .build());
                highest = threshold;
            }
        }
        return highest == ledger.alertedPercent() ? ledger : ledger.alerted(highest);
    }
}
