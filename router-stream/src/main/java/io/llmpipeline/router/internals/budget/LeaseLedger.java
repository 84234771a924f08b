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
 * takes them back, and books what invocations billed and what finished requests held. It grants only while
 * {@code spent + reserved + leased + grant <= limit}; when the room left cannot cover an ask, it first
 * recalls the leases other tasks hold on that ledger and decides once they are back, so a request is
 * refused only when the limit itself (not an idle lease elsewhere) cannot cover it.
 */
public final class LeaseLedger extends ContextualProcessor<String, LedgerRequest, String, Step<BudgetFlow>> {
    private static final StringSerializer KEYS = new StringSerializer();

    private final BudgetStage stage;
    private final BudgetsConfig config;
    private final BudgetAlerts alerts;
    private final LeaseSizing sizing = new LeaseSizing(4);
    private final Clock clock;
    private final long cutoffPermille;
    private KeyValueStore<String, Ledger> ledgers;
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
            case BOOK -> book(request, now);
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
     * Books what invocations billed as spent, and takes the worst cases of finished requests out of the
     * leases they were admitted from: until its final attempt a request's worst case stays held in its
     * lease (in {@code leased}), whether the lease is still held or already given back. A lease this
     * owner already forgot gave everything back then, so its finished holds change nothing.
     */
    private void book(LedgerRequest booking, long now) {
        Map<String, Ledger> touched = new LinkedHashMap<>();
        for (LedgerRequest.Spend spend : booking.spends()) {
            String key = spend.ledger().ledgerKey();
            Ledger ledger = touched.containsKey(key) ? touched.get(key) : ledgers.get(key);
            touched.put(key, (ledger == null ? spend.ledger().emptyLedger() : ledger).spend(spend.micros()));
        }
        booking.finished().forEach((leaseId, micros) -> {
            GrantedLease lease = leases.get(leaseId);
            if (lease == null) {
                return;
            }
            LeaseAccount after = lease.account().confirm(micros);
            String key = lease.ledgerKey();
            Ledger ledger = touched.containsKey(key) ? touched.get(key) : ledgers.get(key);
            if (ledger != null) {
                touched.put(key, ledger.leaseBack(lease.account().outstanding() - after.outstanding()));
            }
            if (after.settled()) {
                leases.delete(leaseId);
            } else {
                leases.put(leaseId, lease.with(after));
            }
        });
        touched.forEach((key, ledger) -> ledgers.put(key, alerts.check(ledger, now, alert -> context().forward(new Record<>(
                alert.getScopeType() + ":" + alert.getScopeKey() + ":" + alert.getWindowStartMs(), Step.emit(BudgetAlerts.TOPIC, alert), now)))));
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
     * Forgets leases far older than any task uses one, giving back what they still hold: the worst cases
     * of requests whose final attempt never came (a lost worker). Forgets ledgers of windows long closed.
     */
    private void expire() {
        long now = clock.millis();
        long timeoutMs = config.reservationTimeoutSeconds() * 1000L;
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
