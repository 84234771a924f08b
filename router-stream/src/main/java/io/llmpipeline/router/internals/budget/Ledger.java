package io.llmpipeline.router.internals.budget;

import io.llmpipeline.schemas.BudgetScope;
import io.llmpipeline.schemas.BudgetWindow;

/**
 * Money held against one limit in one window: what was actually billed, and what is leased out to
 * router tasks that admit requests locally (see {@link LeaseLedger}), which includes the worst case of
 * every admitted request still in flight. The invariant the router keeps: {@code spent + reserved +
 * leased <= limit} whenever money is leased.
 *
 * @param reservedMicros held for requests admitted before their assignments carried their budget
 *                       holds (a router upgraded with such requests in flight): nothing adds to it
 *                       any more, and it is forgotten with its window: held too long, never too short
 * @param leasedMicros   held by leases: granted and not given back, or given back with requests
 *                       admitted out of them still in flight
 * @param leasesGranted  how many leases this ledger granted (names them)
 * @param alertedPercent the highest alert threshold already sent for this window (alerts go out once)
 */
public record Ledger(BudgetScope scope, String scopeKey, BudgetWindow window, long windowStartMs, long limitMicros,
                     long spentMicros, long reservedMicros, int alertedPercent, long leasedMicros, long leasesGranted) {

    /** What alerts measure: money billed (and anything an older router reserved). */
    public long committedMicros() {
        return spentMicros + reservedMicros;
    }

    /** What admission measures: billed plus everything leases may hold or still admit. */
    public long heldMicros() {
        return spentMicros + reservedMicros + leasedMicros;
    }

    Ledger spend(long micros) {
        return new Ledger(scope, scopeKey, window, windowStartMs, limitMicros, spentMicros + micros, reservedMicros, alertedPercent,
                leasedMicros, leasesGranted);
    }

    Ledger alerted(int percent) {
        return new Ledger(scope, scopeKey, window, windowStartMs, limitMicros, spentMicros, reservedMicros, percent,
                leasedMicros, leasesGranted);
    }

    Ledger leaseOut(long micros) {
        return new Ledger(scope, scopeKey, window, windowStartMs, limitMicros, spentMicros, reservedMicros, alertedPercent,
                leasedMicros + micros, leasesGranted + 1);
    }

    Ledger leaseBack(long micros) {
        return new Ledger(scope, scopeKey, window, windowStartMs, limitMicros, spentMicros, reservedMicros, alertedPercent,
                Math.max(0, leasedMicros - micros), leasesGranted);
    }

    String alertKey() {
        return scope + ":" + scopeKey + ":" + windowStartMs;
    }
}
