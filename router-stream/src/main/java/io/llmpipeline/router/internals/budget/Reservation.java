package io.llmpipeline.router.internals.budget;

import java.util.List;

/**
 * The budget one admitted request still holds in each of its ledgers.
 *
 * @param ledgers        keys of the ledgers it holds money in
 * @param remainingMicros what is still reserved (the worst case less what attempts already billed)
 * @param tenant         the request's tenant
 * @param createdAtMs    when it was admitted; abandoned reservations are released after a timeout
 * @param otherProviders provider stage only: the other providers of the request's chain, each holding a
 *                       reservation of its own in its own task; the final attempt releases them too
 * @param finished       a marker, holding nothing: the request's final attempt was booked before its
 *                       admission was reported here (see {@link LeaseLedger}), so the report must not reserve
 */
public record Reservation(List<String> ledgers, long remainingMicros, String tenant, long createdAtMs, List<String> otherProviders,
                          boolean finished) {
    public Reservation {
        otherProviders = otherProviders == null ? List.of() : otherProviders;
        ledgers = ledgers == null ? List.of() : ledgers;
    }

    public Reservation(List<String> ledgers, long remainingMicros, String tenant, long createdAtMs, List<String> otherProviders) {
        this(ledgers, remainingMicros, tenant, createdAtMs, otherProviders, false);
    }

    static Reservation finishedMarker(String tenant, long nowMs) {
        return new Reservation(List.of(), 0, tenant, nowMs, List.of(), true);
    }

    Reservation consume(long micros) {
        return new Reservation(ledgers, Math.max(0, remainingMicros - micros), tenant, createdAtMs, otherProviders, finished);
    }
}
