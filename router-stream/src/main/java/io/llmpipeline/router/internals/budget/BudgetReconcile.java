package io.llmpipeline.router.internals.budget;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import io.llmpipeline.catalog.BudgetsConfig;
import io.llmpipeline.router.internals.Step;
import io.llmpipeline.schemas.InvocationEvent;
import io.llmpipeline.catalog.CostCalculator;
import io.llmpipeline.catalog.Pricing;

/**
 * Books what each attempt actually cost (billed failures and shadow calls included) against the
 * ledgers of the model that answered, takes it out of the request's reservation, and on the final
 * attempt gives back whatever the reservation still holds. In the provider stage each provider of
 * the chain holds its own reservation in its own task; the final attempt lands on one of them, which
 * sends a release to the others.
 */
public final class BudgetReconcile extends ContextualProcessor<String, InvocationEvent, String, Step<BudgetFlow.Release>> {
    private final BudgetStage stage;
    private final BudgetScopes scopes;
    private final BudgetAlerts alerts;
    private final boolean releaseOthers;
    private final Clock clock;
    private final Function<String, Pricing> priceOf;
    private KeyValueStore<String, Ledger> ledgers;
    private KeyValueStore<String, Reservation> reservations;

    /** @param releaseOthers whether a final attempt sends releases to the chain's other providers (not for releases themselves) */
    public BudgetReconcile(BudgetStage stage, BudgetsConfig config, boolean releaseOthers, Clock clock) {
        this(stage, config, releaseOthers, clock, model -> null);
    }

    /** @param priceOf a model's price, to book attempts rounded up; null: book the event's own (half-up) cost */
    public BudgetReconcile(BudgetStage stage, BudgetsConfig config, boolean releaseOthers, Clock clock,
                           Function<String, Pricing> priceOf) {
        this.priceOf = priceOf;
        this.stage = stage;
        this.releaseOthers = releaseOthers;
        this.scopes = new BudgetScopes(config);
        this.alerts = new BudgetAlerts(config.alertThresholds());
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, Step<BudgetFlow.Release>> context) {
        super.init(context);
        ledgers = context.getStateStore(stage.ledgerStore());
        reservations = context.getStateStore(stage.reservationStore());
    }

    @Override
    public void process(Record<String, InvocationEvent> record) {
        InvocationEvent event = record.value();
        long now = clock.millis();
        String reservationKey = stage.reservationKey(event.getRequestId(), event.getProvider());
        Reservation reservation = reservations.get(reservationKey);
        if (reservation != null && reservation.finished()) {
            reservation = null;
        } else if (reservation == null && event.getFinalAttempt()) {
            // the admission's report may still be on its way (see LeaseLedger): it must not reserve for a finished request
            reservations.put(reservationKey, Reservation.finishedMarker(event.getTenantId(), now));
        }
        long cost = booked(event);
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
                reservations.delete(reservationKey);
                if (releaseOthers) {
                    for (String other : reservation.otherProviders()) {
                        context().forward(record.withKey(other).withValue(Step.next(new BudgetFlow.Release(releaseOf(event, other), BudgetStage.PROVIDER))));
                    }
                }
            } else {
                reservations.put(reservationKey, reservation.consume(cost));
            }
        }
        touched.forEach((key, ledger) -> ledgers.put(key, alerts.check(ledger, now,
                alert -> context().forward(record.withKey(alert.getScopeType() + ":" + alert.getScopeKey() + ":"
                        + alert.getWindowStartMs()).withValue(Step.emit(BudgetAlerts.TOPIC, alert))))));
    }

    /** The synthetic final attempt that tells another provider of the chain to give its reservation of the request back. */
    static InvocationEvent releaseOf(String requestId, String tenant, String provider, long now) {
        return InvocationEvent.newBuilder()
                .setEventId(requestId + "/0")
                .setRequestId(requestId)
                .setTenantId(tenant)
                .setTaskType("")
                .setAttempt(0)
                .setProvider(provider)
                .setModel("")
                .setStartedAtMs(now)
                .setEndedAtMs(now)
                .setOutcome(io.llmpipeline.schemas.InvocationOutcome.REJECTED)
                .setUsage(new io.llmpipeline.schemas.Usage(0, 0, 0, 0))
                .setCostMicros(0)
                .setBilled(false)
                .setFinalAttempt(true)
                .setWorkerId("router")
                .build();
    }

    private static InvocationEvent releaseOf(InvocationEvent event, String provider) {
        return releaseOf(event.getRequestId(), event.getTenantId(), provider, event.getEndedAtMs());
    }

    /**
     * What the attempt books: its cost rounded up (never below what the provider bills for it),
     * or, for a model this catalog does not price, the event's own cost.
     */
    private long booked(InvocationEvent event) {
        long recorded = Math.max(0, event.getCostMicros());
        Pricing price = event.getBilled() ? priceOf.apply(event.getModel()) : null;
        if (price == null || event.getUsage() == null) {
            return recorded;
        }
        var u = event.getUsage();
        return Math.max(recorded, CostCalculator.bookedMicros(price, u.getInputTokens(),
                u.getOutputTokens(), u.getCachedInputTokens(), u.getCacheCreationTokens()));
    }
}
