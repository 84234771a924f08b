package io.llmpipeline.router.internals.budget;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import io.llmpipeline.catalog.BudgetsConfig;
import io.llmpipeline.quota.Lease;
import io.llmpipeline.router.internals.Step;
import io.llmpipeline.router.internals.TerminalResults;
import io.llmpipeline.schemas.BudgetHold;
import io.llmpipeline.schemas.ErrorKind;
import io.llmpipeline.schemas.LlmAssignment;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.Priority;

/**
 * Budget admission inside the task that already has the request: it takes the request's worst
 * case out of leases this task holds on every ledger that applies, and names those leases on the
 * assignment (its budget holds), which the worker copies onto every invocation event: the owners
 * learn of the use from the request's final attempt, when they give the worst case back. Nothing is
 * sent per request. Without a lease that covers it, the request
 * waits here while this task returns what it held on that ledger and asks for a new lease; the
 * owner grants one, or refuses when the limit cannot cover the request, and the request is refused
 * with BUDGET_EXCEEDED. See docs/router.md, "Budgets", for why this never overspends.
 */
public final class LeaseHolder {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LeaseHolder.class);
    public static final String LEASES = "budget-leases";
    public static final String PARKED = "budget-parked";
    /**
     * An unused lease goes back after this long, so idle tasks do not sit on budget others need (an owner
     * that cannot cover an ask recalls leases anyway). At 2 s it went back in every short pause of the
     * load, and the requests after the pause waited in {@link #PARKED} for a new one (in a bench, all
     * 6,000 of the first burst after its warm-up).
     */
    static final Duration IDLE = Duration.ofSeconds(10);
    /** A lease is never used once this old; owners may count on it being back (or unused) after it. */
    static final Duration MAX_AGE = Duration.ofSeconds(30);
    /** A lease in use asks for its successor this long before it gets too old, so no request waits for that. */
    static final Duration RENEW_AHEAD = Duration.ofSeconds(10);
    /** An ask with no answer for this long is sent again (a second grant is given straight back). */
    static final Duration ASK_AGAIN = Duration.ofSeconds(30);

    private record Need(BudgetStage stage, String owner, BudgetScopes.Applicable ledger) {
    }

    private final BudgetScopes scopes;
    private final boolean tenantStage;
    private final boolean providerStage;
    private final Clock clock;
    private ProcessorContext<String, Step<BudgetFlow>> context;
    /** Read on every admission: cheap, the store keeps its values decoded between commits ({@code DecodedStore}). */
    private KeyValueStore<String, HeldLease> leases;
    private KeyValueStore<String, LlmAssignment> parked;
    private int holder;

    LeaseHolder(BudgetsConfig config, Clock clock) {
        this.scopes = new BudgetScopes(config);
        this.tenantStage = scopes.any(BudgetStage.TENANT);
        this.providerStage = scopes.any(BudgetStage.PROVIDER);
        this.clock = clock;
    }

    void init(ProcessorContext<String, Step<BudgetFlow>> context) {
        this.context = context;
        this.leases = context.getStateStore(LEASES);
        this.parked = context.getStateStore(PARKED);
        this.holder = context.taskId().partition();
    }

    /** A newly assigned request: admitted now, or parked until its leases arrive. */
    void offer(LlmAssignment assignment) {
        long now = clock.millis();
        List<Need> needs = needs(assignment, now);
        if (!tryAdmit(assignment, needs, now)) {
            parked.put(String.format("%013d|%s", now, assignment.getRequest().getRequestId()), assignment);
        }
    }

    void notice(HolderNotice notice) {
        long now = clock.millis();
        HeldLease held = leases.get(notice.ledgerKey());
        switch (notice.kind()) {
            case GRANT -> {
                if (held == null || (held.lease() != null && !held.asking())) {
                    // a second answer to an ask sent twice: nobody waits for it
                    send(notice.stage(), notice.owner(), LedgerRequest.giveBack(holder,
                            notice.ledgerKey(), notice.leaseId(), 0));
                    return;
                }
                if (held.lease() != null) {
                    // the successor of a lease still in use: that one goes back, with what it used
                    sendReturn(notice.ledgerKey(), held, now);
                }
                leases.put(notice.ledgerKey(), new HeldLease(held.stage(), held.owner(), held.ledger(),
                        Lease.granted(notice.leaseId(), notice.micros(), notice.lowMicros(), clock), -1));
            }
            case REFUSE -> {
                if (held != null && held.lease() != null) {
                    // a renewal refused: the lease in use stays until it runs out, then the ordinary ask decides
                    leases.put(notice.ledgerKey(), new HeldLease(held.stage(), held.owner(), held.ledger(), held.lease(), -1));
                } else {
                    if (held != null) {
                        leases.put(notice.ledgerKey(), new HeldLease(held.stage(), held.owner(), held.ledger(), null, -1));
                    }
                    refuseParked(notice, now);
                }
            }
            case RECALL -> {
                if (held != null && held.lease() != null) {
                    giveBack(notice.ledgerKey(), held, now);
                }
                return;
            }
        }
        retryParked(now);
    }

    /**
     * Gives back idle and old leases, renews leases in use before they get too old, asks again after a lost
     * answer, and ends parked requests past their deadline.
     */
    void sweep() {
        long now = clock.millis();
        List<Map.Entry<String, HeldLease>> all = new ArrayList<>();
        try (KeyValueIterator<String, HeldLease> it = leases.all()) {
            it.forEachRemaining(e -> all.add(Map.entry(e.key, e.value)));
        }
        boolean answerLost = false;
        for (var entry : all) {
            String key = entry.getKey();
            HeldLease held = entry.getValue();
            Lease lease = held.lease();
            if (held.asking() && now - held.askedAtMs() >= ASK_AGAIN.toMillis()) {
                answerLost = true;
                if (lease != null) {
                    sendReturn(key, held, now);
                }
                leases.delete(key);
            } else if (lease != null && lease.due(clock, IDLE, MAX_AGE)) {
                giveBack(key, held, now);
            } else if (lease != null && !held.asking() && lease.expired(clock, MAX_AGE.minus(RENEW_AHEAD))) {
                send(held.stage(), held.owner(), LedgerRequest.renew(holder, held.ledger()));
                leases.put(key, new HeldLease(held.stage(), held.owner(), held.ledger(), lease, now));
            }
        }
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, LlmAssignment> it = parked.all()) {
            while (it.hasNext()) {
                var entry = it.next();
                Long deadline = entry.value.getRequest().getDeadlineEpochMs();
                if (deadline != null && deadline <= now) {
                    expired.add(entry.key);
                    answer(entry.value, ErrorKind.DEADLINE_EXCEEDED, "deadline passed while waiting for a budget lease", now);
                }
            }
        }
        expired.forEach(parked::delete);
        if (answerLost) {
            retryParked(now);
        }
    }

    private List<Need> needs(LlmAssignment assignment, long now) {
        String tenant = assignment.getRequest().getTenantId();
        List<Need> needs = new ArrayList<>();
        if (tenantStage) {
            for (BudgetScopes.Applicable a : scopes.applicable(BudgetStage.TENANT, tenant, BudgetChain.models(assignment), now)) {
                needs.add(new Need(BudgetStage.TENANT, tenant, a));
            }
        }
        if (providerStage) {
            for (String provider : BudgetChain.providers(assignment)) {
                for (BudgetScopes.Applicable a : scopes.applicable(BudgetStage.PROVIDER, tenant, BudgetChain.modelsOf(assignment, provider), now)) {
                    needs.add(new Need(BudgetStage.PROVIDER, provider, a));
                }
            }
        }
        return needs;
    }

    private boolean tryAdmit(LlmAssignment assignment, List<Need> needs, long now) {
        long cost = assignment.getEstimatedCostMicros();
        boolean low = isLow(assignment.getRequest().getPriority());
        List<Need> missing = new ArrayList<>();
        Map<String, HeldLease> covering = new LinkedHashMap<>();
        for (Need need : needs) {
            HeldLease held = leases.get(need.ledger().ledgerKey());
            if (held == null || held.lease() == null || held.lease().expired(clock, MAX_AGE) || !held.lease().covers(cost, low)) {
                missing.add(need);
            } else {
                covering.put(need.ledger().ledgerKey(), held);
            }
        }
        if (!missing.isEmpty()) {
            missing.forEach(need -> askFor(need, cost, low, now));
            return false;
        }
        admit(assignment, covering, cost, now);
        return true;
    }

    private void askFor(Need need, long cost, boolean low, long now) {
        String key = need.ledger().ledgerKey();
        HeldLease held = leases.get(key);
        if (held != null && held.asking()) {
            return;
        }
        if (held != null && held.lease() != null) {
            // one lease per ledger and task: what is left of this one goes back with the ask, so it counts for the new grant
            sendReturn(key, held, now);
        }
        send(need.stage(), need.owner(), LedgerRequest.ask(holder, need.ledger(), cost, low));
        leases.put(key, new HeldLease(need.stage(), need.owner(), need.ledger(), null, now));
    }

    private void admit(LlmAssignment assignment, Map<String, HeldLease> covering, long cost, long now) {
        List<BudgetHold> holds = new ArrayList<>(covering.size());
        covering.forEach((key, held) -> {
            leases.put(key, new HeldLease(held.stage(), held.owner(), held.ledger(), held.lease().take(cost, clock), held.askedAtMs()));
            holds.add(new BudgetHold(held.stage().name(), held.owner(), held.lease().id()));
        });
        // set in place: the assignment is this task's own copy, decoded from its input or the parked store
        assignment.setBudgetHolds(holds);
        assignment.setAdmittedAtMs(now);
        context.forward(new Record<>(assignment.getRequest().getRequestId(), Step.next(new BudgetFlow.Admitted(assignment)), now));
    }

    /** Gives the lease back; an ask in flight (a renewal's) stays, so requests that wait for its answer still get it. */
    private void giveBack(String key, HeldLease held, long now) {
        sendReturn(key, held, now);
        if (held.asking()) {
            leases.put(key, new HeldLease(held.stage(), held.owner(), held.ledger(), null, held.askedAtMs()));
        } else {
            leases.delete(key);
        }
    }

    private void refuseParked(HolderNotice notice, long now) {
        List<String> refused = new ArrayList<>();
        try (KeyValueIterator<String, LlmAssignment> it = parked.all()) {
            while (it.hasNext()) {
                var entry = it.next();
                LlmAssignment assignment = entry.value;
                boolean onLedger = needs(assignment, now).stream()
                        .anyMatch(n -> n.ledger().ledgerKey().equals(notice.ledgerKey()));
                LlmRequest request = assignment.getRequest();
                if (onLedger && notice.refuses(assignment.getEstimatedCostMicros(), isLow(request.getPriority()))) {
                    refused.add(entry.key);
                    String reason = notice.reason(assignment.getEstimatedCostMicros(), request.getPriority());
                    if (assignment.getShadow()) {
                        // nobody waits for a shadow: it is not sent, and the caller's own request is unaffected
                        LOG.info("shadow {} of {} not sent: {}", request.getRequestId(), assignment.getShadowOf(), reason);
                    } else {
                        context.forward(new Record<>(request.getRequestId(), Step.answer(TerminalResults.error(
                                request, assignment.getCacheKey(), ErrorKind.BUDGET_EXCEEDED, reason, now)), now));
                    }
                }
            }
        }
        refused.forEach(parked::delete);
    }

    private void retryParked(long now) {
        List<String> admitted = new ArrayList<>();
        try (KeyValueIterator<String, LlmAssignment> it = parked.all()) {
            while (it.hasNext()) {
                var entry = it.next();
                if (tryAdmit(entry.value, needs(entry.value, now), now)) {
                    admitted.add(entry.key);
                }
            }
        }
        admitted.forEach(parked::delete);
    }

    private void answer(LlmAssignment assignment, ErrorKind kind, String message, long now) {
        if (!assignment.getShadow()) {
            LlmRequest request = assignment.getRequest();
            context.forward(new Record<>(request.getRequestId(), Step.answer(TerminalResults.error(
                    request, assignment.getCacheKey(), kind, message, now)), now));
        }
    }

    /** Tells the owner the held lease is back, with what this task used of it. */
    private void sendReturn(String key, HeldLease held, long now) {
        send(held.stage(), held.owner(), LedgerRequest.giveBack(holder, key, held.lease().id(), held.lease().used()));
    }

    private void send(BudgetStage stage, String owner, LedgerRequest request) {
        context.forward(new Record<>(owner, Step.next(new BudgetFlow.ToOwner(stage, owner, request)), clock.millis()));
    }

    private static boolean isLow(Priority priority) {
        return priority == Priority.LOW || priority == Priority.BULK;
    }
}
