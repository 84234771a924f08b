package io.llmpipeline.router.internals;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.llmpipeline.catalog.Strategy;

/**
 * Orders a route's usable candidates by the route's strategy; the first answers and the rest are
 * the fallback chain. Ties, and models without statistics yet, keep the route's listed order.
 */
public final class CandidateRanking {
    private CandidateRanking() {
    }

    public static List<Candidate> rank(Strategy strategy, int minTier, List<Candidate> candidates) {
        List<Candidate> out = new ArrayList<>(candidates);
        Comparator<Candidate> listed = Comparator.comparingInt(Candidate::listed);
        switch (strategy) {
            case ORDERED -> out.sort(listed);
            case COST -> out.sort(Comparator.comparingLong(Candidate::worstCaseMicros).thenComparing(listed));
            case SPEED -> out.sort(Comparator.comparingLong(CandidateRanking::latencyOrUnknown).thenComparing(listed));
            case RELIABILITY -> out.sort(Comparator.comparingDouble((Candidate c) -> -c.stats().successRate()).thenComparing(listed));
            case BALANCED -> {
                double maxCost = out.stream().mapToLong(Candidate::worstCaseMicros).max().orElse(1);
                double maxLatency = out.stream().mapToLong(c -> Math.max(0, c.stats().p95LatencyMs())).max().orElse(1);
                out.sort(Comparator.comparingDouble((Candidate c) -> balanced(c, maxCost, maxLatency)).thenComparing(listed));
            }
            case CAPABILITY -> {
                out.removeIf(c -> c.model().tier() < minTier);
                out.sort(Comparator.comparingLong(Candidate::worstCaseMicros).thenComparing(listed));
            }
        }
        return out;
    }

    private static long latencyOrUnknown(Candidate c) {
        long p95 = c.stats().p95LatencyMs();
        return p95 < 0 ? Long.MAX_VALUE : p95;
    }

    /**
     * Equal weights of relative cost, relative p95 latency and failure rate; lower is better. A model
     * with no latency yet counts as the slowest, so it is tried after known-good ones.
     */
    private static double balanced(Candidate c, double maxCost, double maxLatency) {
        double cost = maxCost <= 0 ? 0 : c.worstCaseMicros() / maxCost;
        long p95 = c.stats().p95LatencyMs();
        double latency = p95 < 0 || maxLatency <= 0 ? 1 : p95 / maxLatency;
        double failure = 1 - c.stats().successRate();
        return (cost + latency + failure) / 3;
    }
}
