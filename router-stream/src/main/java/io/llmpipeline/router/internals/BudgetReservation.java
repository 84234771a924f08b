package io.llmpipeline.router.internals;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import io.llmpipeline.catalog.BudgetsConfig;
import io.llmpipeline.catalog.CostCalculator;
import io.llmpipeline.schemas.ErrorKind;
import io.llmpipeline.schemas.InvocationEvent;
import io.llmpipeline.schemas.InvocationOutcome;
import io.llmpipeline.schemas.LlmAssignment;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.Priority;
import io.llmpipeline.schemas.Usage;

/**
 * Admits a request only if its worst-case cost fits in every ledger of this stage, and reserves it
 * there in the same step. Records arrive partitioned by the stage's key, so one task owns each
 * ledger and checks-then-reserves without a race. Refuses with BUDGET_EXCEEDED naming the scope,
 * the limit and the spend; above the low-priority cutoff, LOW and BULK requests are refused first.
 */
public final class BudgetReservation extends ContextualProcessor<String, LlmAssignment, String, Step<LlmAssignment>> {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BudgetReservation.class);
    private final BudgetStage stage;
    private final BudgetScopes scopes;
    private final BudgetsConfig config;
    private final BudgetAlerts alerts;
    private final boolean releaseToTenantStage;
    private final int hop;
    private final Clock clock;
    private KeyValueStore<String, Ledger> ledgers;
    private KeyValueStore<String, Reservation> reservations;

    /**
     * @param releaseToTenantStage whether a refusal here must give back what the tenant stage reserved
     * @param hop                  provider stage: which provider of the chain this step reserves on
     *                             (0 = the target's; records arrive keyed by that provider); tenant stage: 0
     */
    public BudgetReservation(BudgetStage stage, BudgetsConfig config, boolean releaseToTenantStage, int hop, Clock clock) {
        this.stage = stage;
        this.scopes = new BudgetScopes(config);
        this.config = config;
        this.alerts = new BudgetAlerts(config.alertThresholds());
        this.releaseToTenantStage = releaseToTenantStage;
        this.hop = hop;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, Step<LlmAssignment>> context) {
        super.init(context);
        ledgers = context.getStateStore(stage.ledgerStore());
        reservations = context.getStateStore(stage.reservationStore());
        // every hop shares the stores; one sweep is enough
        if (hop == 0) {
            context.schedule(Duration.ofSeconds(30), PunctuationType.WALL_CLOCK_TIME, t -> expire());
        }
    }

    @Override
    public void process(Record<String, LlmAssignment> record) {
        LlmAssignment assignment = record.value();
        LlmRequest request = assignment.getRequest();
        long now = clock.millis();
        long cost = assignment.getEstimatedCostMicros();
        List<String> providers = BudgetChain.providers(assignment);
        String provider = stage == BudgetStage.PROVIDER ? providers.get(hop) : null;
        List<BudgetScopes.Applicable> applicable = scopes.applicable(stage, request.getTenantId(),
                provider == null ? BudgetChain.models(assignment) : BudgetChain.modelsOf(assignment, provider), now);
        List<Ledger> current = new ArrayList<>(applicable.size());
        for (BudgetScopes.Applicable a : applicable) {
            Ledger ledger = ledgers.get(a.ledgerKey());
            ledger = ledger == null ? a.emptyLedger() : ledger;
            String refusal = refusal(ledger, a.limitMicros(), cost, request.getPriority());
            if (refusal != null) {
                refuse(record, assignment, providers, refusal, now);
                return;
            }
            current.add(ledger);
        }
        List<String> keys = new ArrayList<>(applicable.size());
        for (int i = 0; i < applicable.size(); i++) {
            BudgetScopes.Applicable a = applicable.get(i);
            Ledger reserved = alerts.check(current.get(i).reserve(cost), now,
                    alert -> context().forward(record.withKey(alert.getScopeType() + ":" + alert.getScopeKey() + ":"
                            + alert.getWindowStartMs()).withValue(Step.alert(alert))));
            ledgers.put(a.ledgerKey(), reserved);
            keys.add(a.ledgerKey());
        }
        List<String> others = provider == null ? List.of() : providers.stream().filter(p -> !p.equals(provider)).toList();
        // kept even with no ledger here when the chain has other providers: the final attempt may land on this one
        if (!keys.isEmpty() || !others.isEmpty()) {
            String key = stage.reservationKey(request.getRequestId(), provider);
            Reservation existing = reservations.get(key);
            reservations.put(key, existing == null
                    ? new Reservation(keys, cost, request.getTenantId(), now, others)
                    : new Reservation(union(existing.ledgers(), keys), existing.remainingMicros() + cost, request.getTenantId(), now,
                            union(existing.otherProviders(), others)));
        }
        context().forward(record.withKey(request.getRequestId()).withValue(Step.next(assignment)));
    }

    private String refusal(Ledger ledger, long limit, long cost, Priority priority) {
        long after = ledger.committedMicros() + cost;
        if (after > limit) {
            return "budget exceeded: " + describe(ledger, limit) + " has $" + CostCalculator.formatUsd(ledger.spentMicros())
                    + " spent and $" + CostCalculator.formatUsd(ledger.reservedMicros()) + " reserved; this request needs up to $"
                    + CostCalculator.formatUsd(cost);
        }
        boolean low = priority == Priority.LOW || priority == Priority.BULK;
        long cutoffPermille = Math.round(config.lowPriorityCutoff() * 1000);
        if (low && after * 1000 > limit * cutoffPermille) {
            return "budget reserved for higher priorities: " + describe(ledger, limit) + " would reach "
                    + (after * 100 / limit) + "% ($" + CostCalculator.formatUsd(after) + "); " + priority
                    + " requests are refused above " + cutoffPermille / 10.0 + "%";
        }
        return null;
    }

    private static String describe(Ledger ledger, long limit) {
        return ledger.scope() + " '" + ledger.scopeKey() + "' " + ledger.window() + " limit $" + CostCalculator.formatUsd(limit);
    }

    private void refuse(Record<String, LlmAssignment> record, LlmAssignment assignment, List<String> providers, String message,
                        long now) {
        LlmRequest request = assignment.getRequest();
        if (assignment.getShadow()) {
            // nobody waits for a shadow: it is not sent, and the caller's own request is unaffected
            LOG.info("shadow {} of {} not sent: {}", request.getRequestId(), assignment.getShadowOf(), message);
        } else {
            context().forward(record.withKey(request.getRequestId()).withValue(Step.answer(TerminalResults.error(
                request, assignment.getCacheKey(), ErrorKind.BUDGET_EXCEEDED, message, now))));
        }
        if (releaseToTenantStage) {
            context().forward(record.withKey(request.getTenantId()).withValue(
                    new Step.Release<>(releaseOf(assignment, assignment.getTarget().getProvider(), now), BudgetStage.TENANT)));
        }
        if (stage == BudgetStage.PROVIDER) {
            // the providers before this one in the chain already reserved, each in its own task
            for (String earlier : providers.subList(0, hop)) {
                context().forward(record.withKey(earlier).withValue(
                        new Step.Release<>(releaseOf(assignment, earlier, now), BudgetStage.PROVIDER)));
            }
        }
    }

    /** The synthetic final attempt that tells a stage (on this provider, for the provider stage) to give back a reservation. */
    static InvocationEvent releaseOf(LlmAssignment assignment, String provider, long now) {
        LlmRequest request = assignment.getRequest();
        return InvocationEvent.newBuilder()
                .setEventId(request.getRequestId() + "/0")
                .setRequestId(request.getRequestId())
                .setTenantId(request.getTenantId())
                .setTaskType(request.getTaskType())
                .setAttempt(0)
                .setProvider(provider)
                .setModel(provider.equals(assignment.getTarget().getProvider()) ? assignment.getTarget().getModel()
                        : BudgetChain.modelsOf(assignment, provider).getFirst().getModel())
                .setStartedAtMs(now)
                .setEndedAtMs(now)
                .setOutcome(InvocationOutcome.REJECTED)
                .setErrorKind(ErrorKind.BUDGET_EXCEEDED)
                .setUsage(new Usage(0, 0, 0, 0))
                .setReservedMicros(assignment.getEstimatedCostMicros())
                .setBilled(false)
                .setShadow(assignment.getShadow())
                .setFinalAttempt(true)
                .setWorkerId("router")
                .build();
    }

    /**
     * Gives back reservations whose request never reported a final attempt (a lost worker), and
     * forgets ledgers of windows long closed.
     */
    private void expire() {
        long now = clock.millis();
        long timeoutMs = config.reservationTimeoutSeconds() * 1000L;
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, Reservation> it = reservations.all()) {
            while (it.hasNext()) {
                var entry = it.next();
                if (now - entry.value.createdAtMs() > timeoutMs) {
                    expired.add(entry.key);
                    for (String key : entry.value.ledgers()) {
                        Ledger ledger = ledgers.get(key);
                        if (ledger != null) {
                            ledgers.put(key, ledger.release(entry.value.remainingMicros()));
                        }
                    }
                }
            }
        }
        expired.forEach(reservations::delete);
        List<String> closed = new ArrayList<>();
        try (KeyValueIterator<String, Ledger> it = ledgers.all()) {
            while (it.hasNext()) {
                var entry = it.next();
                Ledger ledger = entry.value;
                if (BudgetScopes.windowEnd(ledger.window(), ledger.windowStartMs()) + timeoutMs < now) {
                    closed.add(entry.key);
                }
            }
        }
        closed.forEach(ledgers::delete);
    }

    private static List<String> union(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        b.stream().filter(k -> !out.contains(k)).forEach(out::add);
        return out;
    }
}
