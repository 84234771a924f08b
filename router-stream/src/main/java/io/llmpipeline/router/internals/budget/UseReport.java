package io.llmpipeline.router.internals.budget;

import java.util.List;

/**
 * One admitted request in a batched use report ({@link LedgerRequest.Kind#USES}): what differs from
 * request to request; the ledgers and leases it was taken from are the batch's.
 *
 * @param micros         its worst case, taken out of each of the batch's leases
 * @param admittedAtMs   when it was admitted (its reservation's age counts from then)
 * @param otherProviders provider stage only: the other providers of its chain
 */
public record UseReport(String requestId, String tenant, long micros, long admittedAtMs, List<String> otherProviders) {
    public UseReport {
        otherProviders = otherProviders == null ? List.of() : otherProviders;
    }
}
