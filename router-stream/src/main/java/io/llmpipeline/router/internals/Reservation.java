package io.llmpipeline.router.internals;

import java.util.List;

/**
 * The budget one admitted request still holds in each of its ledgers.
 *
 * @param ledgers        keys of the ledgers it holds money in
 * @param remainingMicros what is still reserved (the worst case less what attempts already billed)
 * @param tenant         for releases sent back to the tenant stage
 * @param createdAtMs    when it was made; abandoned reservations are released after a timeout
 * @param otherProviders provider stage only: the other providers of the request's chain, each holding a
 *                       reservation of its own in its own task; the final attempt releases them too
 */
public record Reservation(List<String> ledgers, long remainingMicros, String tenant, long createdAtMs, List<String> otherProviders) {
    public Reservation {
        otherProviders = otherProviders == null ? List.of() : otherProviders;
    }

    Reservation consume(long micros) {
        return new Reservation(ledgers, Math.max(0, remainingMicros - micros), tenant, createdAtMs, otherProviders);
    }
}
