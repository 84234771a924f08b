package io.llmpipeline.router.internals.assignment;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.llmpipeline.catalog.Strategy;

/**
 * Orders a route's usable candidates by the route's strategy; the first answers and the rest are
 * the fallback chain. Ties, and models without statistics yet, keep the route's listed order.
 * Cost is per 1,000 tokens, observed where invocations have been seen, else from catalog prices.
 */
public final class CandidateRanking {
    private CandidateRanking() {
    }

    public static List<Candidate> rank(Strategy strategy, int minTier, List<Candidate> candidates) {
        List<Candidate> out = new ArrayList<>(candidates);
        Comparator<Candidate> listed = Comparator.comparingInt(Candidate::listed);
        switch (strategy) {
            case ORDERED -> out.sort(listed);
            case COST -> out.sort(Comparator.comparingLong(CandidateRanking::microsPer1k).thenComparing(listed));
            case SPEED -> out.sort(Comparator.comparingLong(CandidateRanking::latencyOrUnknown).thenComparing(listed));
            case RELIABILITY -> out.sort(Comparator.comparingDouble((Candidate c) -> -c.stats().successRate()).thenComparing(listed));
            case BALANCED -> {
                double maxCost = out.stream().mapToLong(CandidateRanking::microsPer1k).max().orElse(1);
                double maxLatency = out.stream().mapToLong(c -> Math.max(0, c.stats().p95LatencyMs())).max().orElse(1);
                out.sort(Comparator.comparingDouble((Candidate c) -> balanced(c, maxCost, maxLatency)).thenComparing(listed));
            }
            case CAPABILITY -> {
                out.removeIf(c -> c.model().tier() < minTier);
                out.sort(Comparator.comparingLong(CandidateRanking::microsPer1k).thenComparing(listed));
            }
        }
        return out;
    }

    /**
     * What the model costs per 1,000 tokens: as observed from its billed invocations when there are
     * any, else from the catalog's prices blended for this request's input and reserved output.
     */
    static long microsPer1k(Candidate c) {
        if (c.stats().microsPer1kTokens() > 0) {
            return c.stats().microsPer1kTokens();
        }
        long tokens = (long) c.inputTokens() + c.outputTokens();
        return tokens == 0 ? 0 : c.worstCaseMicros() * 1000 / tokens;
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
        double cost = maxCost <= 0 ? 0 : microsPer1k(c) / maxCost;
        long p95 = c.stats().p95LatencyMs();
        double latency = p95 < 0 || maxLatency <= 0 ? 1 : p95 / maxLatency;
        double failure = 1 - c.stats().successRate();
        return (cost + latency + failure) / 3;
    }
}
