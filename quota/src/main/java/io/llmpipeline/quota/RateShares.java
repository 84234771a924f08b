package io.llmpipeline.quota;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
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
        return fraction(limit, limitPerMinute, view, nowMs, false);
    }

    /**
     * @param wholeUnits the limit is a count that cannot be split (calls at once): the fraction is a
     *                   whole number of units over the size, and the members' units add up to the size
     */
    public double fraction(String limit, double size, Collection<Member> view, long nowMs, boolean wholeUnits) {
        double target = target(limit, size, view, nowMs, wholeUnits);
        return smoothed(limit, target, nowMs);
    }

    double target(String limit, double limitPerMinute, Collection<Member> view, long nowMs) {
        return target(limit, limitPerMinute, view, nowMs, false);
    }

    double target(String limit, double size, Collection<Member> view, long nowMs, boolean wholeUnits) {
        Member me = view.stream().filter(m -> m.id().equals(self)).findFirst().orElse(null);
        if (me == null || !me.liveAt(nowMs, ttlMs) || nowMs - me.firstSeenMs() < graceMs) {
            return 0;
        }
        List<Member> live = view.stream().filter(m -> m.liveAt(nowMs, ttlMs)).toList();
        if (!wholeUnits || size < 1 || Double.isInfinite(size)) {
            return maxMinShare(me, live, limit, size);
        }
        return unitsOf(me, live, limit, (int) size, nowMs / UNIT_ROTATION_MS) / Math.floor(size);
    }

    /**
     * Ties for a unit left over go round the members every this long, so a member that loses them
     * does not wait for as long as the others stay busy. A member gives a unit up at once and takes
     * one only after the grace, so clocks apart by less than the grace never put a unit in two hands.
     */
    static final long UNIT_ROTATION_MS = 10_000;

    /** A member's place among the ties in one rotation: mixed, so every member comes first in some rotation. */
    private static long turnOrder(String memberId, long rotation) {
        long h = memberId.hashCode() * 0x9E3779B97F4A7C15L + rotation * 0xC2B2AE3D27D4EB4FL;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        return h ^ (h >>> 33);
    }

    /**
     * The max-min shares in whole units, rounded the same way by every member: each its share's floor,
     * then the units left to the largest remainders, ties in an order that changes every
     * {@link #UNIT_ROTATION_MS}. A share of two calls among three members is then 1, 1 and 0, never
     * 0, 0 and 0, and never more than two in all.
     */
    private static int unitsOf(Member me, List<Member> live, String limit, int size, long rotation) {
        List<Member> byId = live.stream().sorted(Comparator.comparing(Member::id)).toList();
        double[] exact = byId.stream().mapToDouble(m -> maxMinShare(m, live, limit, size) * size).toArray();
        int[] units = new int[exact.length];
        int left = size;
        for (int i = 0; i < exact.length; i++) {
            units[i] = (int) Math.floor(exact[i] + 1e-9);
            left -= units[i];
        }
        List<Integer> byRemainder = new ArrayList<>();
        for (int i = 0; i < exact.length; i++) {
            byRemainder.add(i);
        }
        byRemainder.sort(Comparator.comparingDouble((Integer i) -> -(exact[i] - units[i]))
                .thenComparingLong(i -> turnOrder(byId.get(i).id(), rotation))
                .thenComparing(i -> i));
        for (int k = 0; k < byRemainder.size() && left > 0; k++, left--) {
            units[byRemainder.get(k)]++;
        }
        return units[byId.indexOf(me)];
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
