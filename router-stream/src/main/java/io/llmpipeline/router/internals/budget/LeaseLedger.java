package io.llmpipeline.router.internals.budget;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import io.llmpipeline.catalog.BudgetsConfig;
import io.llmpipeline.quota.LeaseAccount;
import io.llmpipeline.quota.LeaseSizing;
import io.llmpipeline.router.internals.Step;

/**
 * The one task that owns a stage's ledgers for its key (tenant or provider) grants leases on them,
 * takes them back, and turns each reported use into the request's reservation. It grants only while
 * {@code spent + reserved + leased + grant <= limit}; when the room left cannot cover an ask, it first
 * recalls the leases other tasks hold on that ledger and decides once they are back, so a request is
 * refused only when the limit itself (not an idle lease elsewhere) cannot cover it.
 */
public final class LeaseLedger extends ContextualProcessor<String, LedgerRequest, String, Step<BudgetFlow>> {
    /** A marker for a request finished before its use was reported is kept this long. */
    private static final Duration MARKER_TTL = Duration.ofMinutes(10);
    private static final StringSerializer KEYS = new StringSerializer();

    private final BudgetStage stage;
    private final BudgetsConfig config;
    private final BudgetAlerts alerts;
    private final LeaseSizing sizing = new LeaseSizing(4);
    private final Clock clock;
    private final long cutoffPermille;
    private KeyValueStore<String, Ledger> ledgers;
    private KeyValueStore<String, Reservation> reservations;
    private KeyValueStore<String, GrantedLease> leases;
    private KeyValueStore<String, LedgerRequest> asks;

    public LeaseLedger(BudgetStage stage, BudgetsConfig config, Clock clock) {
        this.stage = stage;
        this.config = config;
        this.alerts = new BudgetAlerts(config.alertThresholds());
        this.clock = clock;
        this.cutoffPermille = Math.round(config.lowPriorityCutoff() * 1000);
    }

    @Override
    public void init(ProcessorContext<String, Step<BudgetFlow>> context) {
        super.init(context);
        ledgers = context.getStateStore(stage.ledgerStore());
        reservations = context.getStateStore(stage.reservationStore());
        leases = context.getStateStore(stage.leaseStore());
        asks = context.getStateStore(stage.askStore());
        context.schedule(Duration.ofSeconds(30), PunctuationType.WALL_CLOCK_TIME, t -> expire());
    }

    @Override
    public void process(Record<String, LedgerRequest> record) {
        LedgerRequest request = record.value();
        long now = clock.millis();
        switch (request.kind()) {
            case ASK -> decide(record.key(), request, now);
            case RETURN -> {
                String ledgerKey = request.ledgers().getFirst();
                giveBack(ledgerKey, request.leaseIds().getFirst(), request.micros());
                decideWaiting(record.key(), ledgerKey, now);
            }
            case USE, USES -> use(request, now);
        }
    }

    /** Grants, refuses, or (when other tasks' leases may cover it once back) recalls them and waits; true when decided. */
    private boolean decide(String owner, LedgerRequest ask, long now) {
        BudgetScopes.Applicable applicable = ask.ledger();
        String key = applicable.ledgerKey();
        Ledger ledger = ledgers.get(key);
        ledger = ledger == null ? applicable.emptyLedger() : ledger;
        long limit = applicable.limitMicros();
        long lowCeiling = limit * cutoffPermille / 1000;
        long held = ledger.heldMicros();
        long room = (ask.lowPriority() ? Math.min(limit, lowCeiling) : limit) - held;
        if (room >= ask.micros()) {
            long grant = sizing.grant(limit, held, ask.micros());
            String leaseId = key + "#" + ask.holder() + "#" + ledger.leasesGranted();
            ledgers.put(key, ledger.leaseOut(grant));
            leases.put(leaseId, new GrantedLease(ask.holder(), key, LeaseAccount.open(grant), false, now));
            toHolder(HolderNotice.grant(ask.holder(), stage, owner, key, leaseId, grant, LeaseSizing.within(grant, lowCeiling, held)), now);
            return true;
        }
        if (ask.renewal()) {
            // its asker still holds a lease, and asks the ordinary way (recalling others if need be) once that runs out
            toHolder(HolderNotice.refuse(ask.holder(), stage, owner, key, Math.max(0, room), ask.lowPriority(), ledger, cutoffPermille), now);
            return true;
        }
        boolean othersHold = false;
        List<Map.Entry<String, GrantedLease>> toRecall = new ArrayList<>();
        try (KeyValueIterator<String, GrantedLease> it = leases.prefixScan(key + "#", KEYS)) {
            while (it.hasNext()) {
                var entry = it.next();
                GrantedLease lease = entry.value;
                if (lease.holder() != ask.holder() && !lease.account().returnedYet() && lease.account().outstanding() > 0) {
                    othersHold = true;
                    if (!lease.recalled()) {
                        toRecall.add(Map.entry(entry.key, lease));
                    }
                }
            }
        }
        if (othersHold) {
            for (var entry : toRecall) {
                leases.put(entry.getKey(), entry.getValue().recall());
                toHolder(HolderNotice.recall(entry.getValue().holder(), stage, owner, key), now);
            }
            asks.put(key + "#" + ask.holder(), ask);
            return false;
        }
        toHolder(HolderNotice.refuse(ask.holder(), stage, owner, key, Math.max(0, room), ask.lowPriority(), ledger, cutoffPermille), now);
        return true;
    }

    private void decideWaiting(String owner, String ledgerKey, long now) {
        List<Map.Entry<String, LedgerRequest>> waiting = new ArrayList<>();
        try (KeyValueIterator<String, LedgerRequest> it = asks.prefixScan(ledgerKey + "#", KEYS)) {
            it.forEachRemaining(e -> waiting.add(Map.entry(e.key, e.value)));
        }
        for (var entry : waiting) {
            if (decide(owner, entry.getValue(), now)) {
                asks.delete(entry.getKey());
            }
        }
    }

    private void giveBack(String ledgerKey, String leaseId, long used) {
        GrantedLease lease = leases.get(leaseId);
        if (lease == null) {
            return;
        }
        LeaseAccount back = lease.account().giveBack(used);
        release(ledgerKey, lease.account().outstanding() - back.outstanding());
        if (back.settled()) {
            leases.delete(leaseId);
        } else {
            leases.put(leaseId, lease.with(back));
        }
    }

    /**
     * Each reported request's part of the leases becomes its reservation on that ledger, unless its
     * final attempt was booked already (then there is nothing left to hold). A batch shares its
     * ledgers and leases, so each is read and written once for all of its requests.
     */
    private void use(LedgerRequest report, long now) {
        long confirmed = 0;
        long reserved = 0;
        for (UseReport use : report.reports()) {
            String reservationKey = stage.reservationKey(use.requestId(), report.provider());
            Reservation existing = reservations.get(reservationKey);
            if (existing != null && !existing.finished()) {
                continue; // reported twice
            }
            confirmed += use.micros();
            if (existing != null) {
                reservations.delete(reservationKey);
                // the final attempt landed here before this report, so it could not name the chain's other providers
                for (String other : use.otherProviders()) {
                    context().forward(new Record<>(other, Step.next(new BudgetFlow.Release(
                            BudgetReconcile.releaseOf(use.requestId(), use.tenant(), other, now), BudgetStage.PROVIDER)), now));
                }
            } else {
                reserved += use.micros();
                if (!report.ledgers().isEmpty() || !use.otherProviders().isEmpty()) {
                    reservations.put(reservationKey, new Reservation(report.ledgers(), use.micros(), use.tenant(),
                            use.admittedAtMs(), use.otherProviders()));
                }
            }
        }
        if (confirmed == 0) {
            return;
        }
        for (int i = 0; i < report.ledgers().size(); i++) {
            String key = report.ledgers().get(i);
            Ledger ledger = ledgers.get(key);
            if (ledger == null) {
                continue;
            }
            String leaseId = report.leaseIds().get(i);
            GrantedLease lease = leases.get(leaseId);
            if (lease != null) {
                LeaseAccount after = lease.account().confirm(confirmed);
                ledger = ledger.leaseBack(lease.account().outstanding() - after.outstanding());
                if (after.settled()) {
                    leases.delete(leaseId);
                } else {
                    leases.put(leaseId, lease.with(after));
                }
            }
            ledgers.put(key, alerts.check(ledger.reserve(reserved), now, alert -> context().forward(new Record<>(
                    alert.getScopeType() + ":" + alert.getScopeKey() + ":" + alert.getWindowStartMs(), Step.emit(BudgetAlerts.TOPIC, alert), now))));
        }
    }

    private void release(String ledgerKey, long micros) {
        Ledger ledger = ledgers.get(ledgerKey);
        if (ledger != null && micros > 0) {
            ledgers.put(ledgerKey, ledger.leaseBack(micros));
        }
    }

    private void toHolder(HolderNotice notice, long now) {
        context().forward(new Record<>(notice.ledgerKey(), Step.next(new BudgetFlow.ToHolder(notice)), now));
    }

    /**
     * Gives back reservations whose request never reported a final attempt (a lost worker), and leases
     * held far longer than any task uses one; forgets ledgers of windows long closed.
     */
    private void expire() {
        long now = clock.millis();
        long timeoutMs = config.reservationTimeoutSeconds() * 1000L;
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, Reservation> it = reservations.all()) {
            while (it.hasNext()) {
                var entry = it.next();
                Reservation r = entry.value;
                if (r.finished() ? now - r.createdAtMs() > MARKER_TTL.toMillis() : now - r.createdAtMs() > timeoutMs) {
                    expired.add(entry.key);
                    for (String key : r.ledgers()) {
                        Ledger ledger = ledgers.get(key);
                        if (ledger != null) {
                            ledgers.put(key, ledger.release(r.remainingMicros()));
                        }
                    }
                }
            }
        }
        expired.forEach(reservations::delete);
        // a task never uses a lease older than LeaseHolder.MAX_AGE, so one far older holds nothing any more
        long leaseTimeoutMs = Math.max(timeoutMs, 2 * LeaseHolder.MAX_AGE.toMillis());
        List<Map.Entry<String, GrantedLease>> stale = new ArrayList<>();
        try (KeyValueIterator<String, GrantedLease> it = leases.all()) {
            while (it.hasNext()) {
                var entry = it.next();
                if (now - entry.value.grantedAtMs() > leaseTimeoutMs) {
                    stale.add(Map.entry(entry.key, entry.value));
                }
            }
        }
        for (var entry : stale) {
            release(entry.getValue().ledgerKey(), entry.getValue().account().outstanding());
            leases.delete(entry.getKey());
        }
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
}
