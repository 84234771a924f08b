package io.llmpipeline.router.internals.budget;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one task read from {@code llm.invocations} for one ledger owner and has not sent it yet:
 * billed money per ledger, and the worst cases finished requests held in each lease. Both are sums,
 * so the order in which invocations arrive, and in which bookings reach the owner, does not matter.
 */
public record Booking(Map<String, LedgerRequest.Spend> spends, Map<String, Long> finished) {
    static final Booking EMPTY = new Booking(Map.of(), Map.of());

    Booking spend(BudgetScopes.Applicable ledger, long micros) {
        Map<String, LedgerRequest.Spend> more = new LinkedHashMap<>(spends);
        more.merge(ledger.ledgerKey(), new LedgerRequest.Spend(ledger, micros),
                (a, b) -> new LedgerRequest.Spend(a.ledger(), a.micros() + b.micros()));
        return new Booking(more, finished);
    }

    Booking finish(String leaseId, long micros) {
        Map<String, Long> more = new LinkedHashMap<>(finished);
        more.merge(leaseId, micros, Long::sum);
        return new Booking(spends, more);
    }

    LedgerRequest request() {
        return LedgerRequest.book(new ArrayList<>(spends.values()), finished);
    }
}
