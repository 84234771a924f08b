package io.llmpipeline.router.internals.budget;

import io.llmpipeline.schemas.BudgetScope;
import io.llmpipeline.schemas.BudgetWindow;

/**
 * Money held against one limit in one window: what was actually billed, what is reserved for
 * requests still in flight, and what is leased out to router tasks that admit requests locally
 * (see {@link LeaseLedger}). The invariant the router keeps: {@code spent + reserved + leased <= limit}
 * whenever money is reserved or leased.
 *
 * @param leasedMicros   held by leases: granted and not yet reported used, or reported used and
 *                       not yet turned into a reservation
 * @param leasesGranted  how many leases this ledger granted (names them)
 * @param alertedPercent the highest alert threshold already sent for this window (alerts go out once)
 */
public record Ledger(BudgetScope scope, String scopeKey, BudgetWindow window, long windowStartMs, long limitMicros,
                     long spentMicros, long reservedMicros, int alertedPercent, long leasedMicros, long leasesGranted) {

    /** What alerts measure: billed plus reserved for admitted requests. */
    public long committedMicros() {
        return spentMicros + reservedMicros;
    }

    /** What admission measures: committed plus what leases may still admit. */
    public long heldMicros() {
        return spentMicros + reservedMicros + leasedMicros;
    }

    Ledger reserve(long micros) {
        return new Ledger(scope, scopeKey, window, windowStartMs, limitMicros, spentMicros, reservedMicros + micros, alertedPercent,
                leasedMicros, leasesGranted);
    }

    Ledger release(long micros) {
        return new Ledger(scope, scopeKey, window, windowStartMs, limitMicros, spentMicros,
                Math.max(0, reservedMicros - micros), alertedPercent, leasedMicros, leasesGranted);
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
