package io.llmpipeline.quota;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits each limit over the live members of a group: a member asking for less than an even split
 * gets what it asks, the rest share what is left evenly (max-min fairness), and what nobody asks
 * for is spread evenly too, so a member whose demand rises finds room at once. Every member computes
 * the same split from the same heartbeats, so the shares add up to at most the limit; to stay so
 * while the members' views differ for a moment, a share shrinks at once but grows only once the
 * larger value has held for {@code graceMs} (by then every member has seen the change). A member
 * that does not see its own heartbeat for {@code ttlMs} takes no share: the others may have
 * dropped it. Not thread-safe; time is the caller's.
 */
public final class RateShares {
    private final String self;
    private final long ttlMs;
    private final long graceMs;
    private final Map<String, List<double[]>> history = new HashMap<>();

    public RateShares(String self, long ttlMs, long graceMs) {
        this.self = self;
        this.ttlMs = ttlMs;
        this.graceMs = graceMs;
    }

    /** This member's fraction of {@code limit} in [0, 1], given the group as seen now. */
    public double fraction(String limit, double limitPerMinute, Collection<Member> view, long nowMs) {
        double target = target(limit, limitPerMinute, view, nowMs);
        return smoothed(limit, target, nowMs);
    }

    double target(String limit, double limitPerMinute, Collection<Member> view, long nowMs) {
        Member me = view.stream().filter(m -> m.id().equals(self)).findFirst().orElse(null);
        if (me == null || !me.liveAt(nowMs, ttlMs) || nowMs - me.firstSeenMs() < graceMs) {
            return 0;
        }
        List<Member> live = view.stream().filter(m -> m.liveAt(nowMs, ttlMs)).toList();
        return maxMinShare(me, live, limit, limitPerMinute);
    }

    private static double maxMinShare(Member me, List<Member> live, String limit, double limitPerMinute) {
        if (limitPerMinute <= 0 || Double.isInfinite(limitPerMinute)) {
            return 1.0 / live.size();
        }
        double[] asks = live.stream().mapToDouble(m -> Math.max(0, m.demandFor(limit)) / limitPerMinute).sorted().toArray();
        double left = 1.0;
        int unserved = asks.length;
        double level = 0;
        for (double ask : asks) {
            double even = left / unserved;
            if (ask > even) {
                level = even;
                break;
            }
            left -= ask;
            unserved--;
            level = Double.POSITIVE_INFINITY;
        }
        double mine = Math.min(Math.max(0, me.demandFor(limit)) / limitPerMinute, level);
        if (Double.isInfinite(level)) {
            // everyone is served: spread what nobody asked for evenly
            return mine + left / live.size();
        }
        return mine;
    }

    /**
     * The smallest target in force during the last {@code graceMs}: decreases now, increases after
     * the grace. Called at the group's refresh cadence, not per call, so the history stays short.
     */
    private double smoothed(String limit, double target, long nowMs) {
        List<double[]> recent = history.computeIfAbsent(limit, l -> new ArrayList<>());
        recent.add(new double[] {nowMs, target});
        // the oldest entry stays while the next one is still inside the grace: it was in force then
        while (recent.size() > 1 && recent.get(1)[0] <= nowMs - graceMs) {
            recent.remove(0);
        }
        double min = target;
        for (double[] entry : recent) {
            min = Math.min(min, entry[1]);
        }
        return min;
    }
}
