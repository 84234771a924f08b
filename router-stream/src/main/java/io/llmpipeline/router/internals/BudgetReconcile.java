package io.llmpipeline.router.internals;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import io.llmpipeline.catalog.BudgetsConfig;
import io.llmpipeline.schemas.InvocationEvent;

/**
 * Books what each attempt actually cost (billed failures and shadow calls included) against the
 * ledgers of the model that answered, takes it out of the request's reservation, and on the final
 * attempt gives back whatever the reservation still holds.
 */
public final class BudgetReconcile extends ContextualProcessor<String, InvocationEvent, String, Step<Void>> {
    private final BudgetStage stage;
    private final BudgetScopes scopes;
    private final BudgetAlerts alerts;
    private final Clock clock;
    private KeyValueStore<String, Ledger> ledgers;
    private KeyValueStore<String, Reservation> reservations;

    public BudgetReconcile(BudgetStage stage, BudgetsConfig config, Clock clock) {
        this.stage = stage;
        this.scopes = new BudgetScopes(config);
        this.alerts = new BudgetAlerts(config.alertThresholds());
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, Step<Void>> context) {
        super.init(context);
        ledgers = context.getStateStore(stage.ledgerStore());
        reservations = context.getStateStore(stage.reservationStore());
    }

    @Override
    public void process(Record<String, InvocationEvent> record) {
        InvocationEvent event = record.value();
        long now = clock.millis();
        Reservation reservation = reservations.get(event.getRequestId());
        long cost = Math.max(0, event.getCostMicros());
        Map<String, Ledger> touched = new LinkedHashMap<>();
        if (cost > 0) {
            // booked in the window the request was admitted in, so its reservation and spend meet
            long when = reservation != null ? reservation.createdAtMs() : now;
            for (BudgetScopes.Applicable a : scopes.applicable(stage, event.getTenantId(), event.getProvider(), event.getModel(), when)) {
                Ledger ledger = ledgers.get(a.ledgerKey());
                touched.put(a.ledgerKey(), (ledger == null ? a.emptyLedger() : ledger).spend(cost));
            }
        }
        if (reservation != null) {
            long consumed = event.getFinalAttempt() ? reservation.remainingMicros() : Math.min(cost, reservation.remainingMicros());
            for (String key : reservation.ledgers()) {
                Ledger ledger = touched.containsKey(key) ? touched.get(key) : ledgers.get(key);
                if (ledger != null) {
                    touched.put(key, ledger.release(consumed));
                }
            }
            if (event.getFinalAttempt()) {
                reservations.delete(event.getRequestId());
            } else {
                reservations.put(event.getRequestId(), reservation.consume(cost));
            }
        }
        touched.forEach((key, ledger) -> ledgers.put(key, alerts.check(ledger, now,
                alert -> context().forward(record.withKey(alert.getScopeType() + ":" + alert.getScopeKey() + ":"
                        + alert.getWindowStartMs()).withValue(Step.alert(alert))))));
    }
}
