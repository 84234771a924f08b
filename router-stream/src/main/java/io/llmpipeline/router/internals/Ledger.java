package io.llmpipeline.router.internals;

import io.llmpipeline.schemas.BudgetScope;
import io.llmpipeline.schemas.BudgetWindow;

/**
 * Money held against one limit in one window: what was actually billed and what is reserved for
 * requests still in flight. The invariant the router keeps: {@code spent + reserved <= limit}
 * for every admission.
 *
 * @param alertedPercent the highest alert threshold already sent for this window (alerts go out once)
 */
public record Ledger(BudgetScope scope, String scopeKey, BudgetWindow window, long windowStartMs, long limitMicros,
                     long spentMicros, long reservedMicros, int alertedPercent) {

    public long committedMicros() {
        return spentMicros + reservedMicros;
    }

    Ledger reserve(long micros) {
        return new Ledger(scope, scopeKey, window, windowStartMs, limitMicros, spentMicros, reservedMicros + micros, alertedPercent);
    }

    Ledger release(long micros) {
        return new Ledger(scope, scopeKey, window, windowStartMs, limitMicros, spentMicros,
                Math.max(0, reservedMicros - micros), alertedPercent);
    }

    Ledger spend(long micros) {
        return new Ledger(scope, scopeKey, window, windowStartMs, limitMicros, spentMicros + micros, reservedMicros, alertedPercent);
    }

    Ledger alerted(int percent) {
        return new Ledger(scope, scopeKey, window, windowStartMs, limitMicros, spentMicros, reservedMicros, percent);
    }

    String alertKey() {
        return scope + ":" + scopeKey + ":" + windowStartMs;
    }
}
