package io.llmpipeline.router.internals.budget;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import io.llmpipeline.catalog.BudgetsConfig;
import io.llmpipeline.catalog.CostCalculator;
import io.llmpipeline.catalog.Pricing;
import io.llmpipeline.schemas.BudgetHold;
import io.llmpipeline.schemas.InvocationEvent;

/**
 * Reads {@code llm.invocations} where it lands (no repartition of the events) and turns them into
 * bookings for the ledgers' owners: every attempt's cost (billed failures and shadow calls included),
 * rounded up, as spend on the ledgers of the model that answered, in the windows the request was
 * admitted in; and, on a request's final attempt, its worst case handed back to every lease it was
 * admitted from (the holds its assignment carried to the worker and the worker copied onto the event).
 *
 * <p>Bookings for one owner are summed in a store and sent as one record per report window. The
 * store commits with the offsets of the invocations it summed, so a crash neither loses nor repeats
 * a booking under exactly_once_v2; a zero window sends each invocation's at once.
 */
public final class BudgetBooking extends ContextualProcessor<String, InvocationEvent, String, LedgerRequest> {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BudgetBooking.class);
    public static final String PENDING = "budget-bookings-pending";

    private final BudgetScopes scopes;
    private final List<BudgetStage> stages;
    private final Clock clock;
    private final Duration reportWindow;
    private final Function<String, Pricing> priceOf;
    private KeyValueStore<String, Booking> pending;
    /** Set only while bookings wait: a running punctuation would make Kafka Streams commit an idle task each window. */
    private Cancellable reportTimer;

    /** @param priceOf a model's price, to book attempts rounded up; null: book the event's own (half-up) cost */
    public BudgetBooking(BudgetsConfig config, Clock clock, Duration reportWindow, Function<String, Pricing> priceOf) {
        this.scopes = new BudgetScopes(config);
        this.stages = Arrays.stream(BudgetStage.values()).filter(scopes::any).toList();
        this.clock = clock;
        this.reportWindow = reportWindow;
        this.priceOf = priceOf;
    }

    @Override
    public void init(ProcessorContext<String, LedgerRequest> context) {
        super.init(context);
        pending = context.getStateStore(PENDING);
        try (KeyValueIterator<String, Booking> it = pending.all()) {
            if (it.hasNext()) {
                // restored from the changelog after a crash: send what the last owner of this task had summed
                scheduleReport();
            }
        }
    }

    @Override
    public void process(Record<String, InvocationEvent> record) {
        InvocationEvent event = record.value();
        List<KeyValue<String, UnaryOperator<Booking>>> changes = new ArrayList<>(4);
        long cost = booked(event);
        if (cost > 0) {
            long admittedAt = event.getAdmittedAtMs() > 0 ? event.getAdmittedAtMs() : clock.millis();
            for (BudgetStage stage : stages) {
                for (BudgetScopes.Applicable a : scopes.applicable(stage, event.getTenantId(), event.getProvider(), event.getModel(), admittedAt)) {
                    changes.add(KeyValue.pair(BookingKeys.of(stage, stage.partitionKey(event.getTenantId(), event.getProvider())),
                            b -> b.spend(a, cost)));
                }
            }
        }
        if (event.getFinalAttempt()) {
            long worstCase = event.getReservedMicros();
            for (BudgetHold hold : event.getBudgetHolds()) {
                BudgetStage stage = stageOf(hold);
                if (stage == null) {
                    // not a router's hold: nothing of ours to give back, and one bad event must not stop the task
                    LOG.warn("invocation {} names budget stage '{}', which no router writes; its hold is ignored",
                            event.getEventId(), hold.getStage());
                    continue;
                }
                changes.add(KeyValue.pair(BookingKeys.of(stage, hold.getOwner()), b -> b.finish(hold.getLeaseId(), worstCase)));
            }
        }
        if (changes.isEmpty()) {
            return;
        }
        long now = clock.millis();
        if (reportWindow.isZero()) {
            for (var change : changes) {
                context().forward(new Record<>(change.key, change.value.apply(Booking.EMPTY).request(), now));
            }
            return;
        }
        for (var change : changes) {
            Booking before = pending.get(change.key);
            pending.put(change.key, change.value.apply(before == null ? Booking.EMPTY : before));
        }
        scheduleReport();
    }

    private void scheduleReport() {
        if (reportTimer == null) {
            reportTimer = context().schedule(reportWindow.isZero() ? Duration.ofMillis(1) : reportWindow,
                    PunctuationType.WALL_CLOCK_TIME, t -> report());
        }
    }

    private void report() {
        long now = clock.millis();
        List<String> sent = new ArrayList<>();
        try (KeyValueIterator<String, Booking> it = pending.all()) {
            while (it.hasNext()) {
                var entry = it.next();
                context().forward(new Record<>(entry.key, entry.value.request(), now));
                sent.add(entry.key);
            }
        }
        sent.forEach(pending::delete);
        reportTimer.cancel();
        reportTimer = null;
    }

    private static BudgetStage stageOf(BudgetHold hold) {
        for (BudgetStage stage : BudgetStage.values()) {
            if (stage.name().equals(hold.getStage())) {
                return stage;
            }
        }
        return null;
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
