package io.llmpipeline.quota;

import java.util.Map;

/**
 * One member of a quota group as the others last heard of it.
 *
 * @param firstSeenMs when this view first heard of it (local clock)
 * @param lastSeenMs  when this view last heard of it (local clock)
 * @param demand      per limit, what it would use per minute if it were not limited
 * @param leaving     it said it is stopping: its share is free at once
 */
public record Member(String id, long firstSeenMs, long lastSeenMs, Map<String, Double> demand, boolean leaving) {
    public Member {
        demand = Map.copyOf(demand);
    }

    boolean liveAt(long nowMs, long ttlMs) {
        return !leaving && nowMs - lastSeenMs <= ttlMs;
    }

    double demandFor(String limit) {
        return demand.getOrDefault(limit, 0.0);
    }
}
