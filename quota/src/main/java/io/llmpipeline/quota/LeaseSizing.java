package io.llmpipeline.quota;

/**
 * How much of a limit's remaining room one lease gets: a fixed share of what is left, so slices
 * shrink as the limit runs out, but never less than the one need that asked for it (a lease that
 * cannot cover the request it was asked for is useless).
 *
 * @param share the fraction of the remaining room one grant may take, as 1 / share (4: a quarter)
 */
public record LeaseSizing(int share) {
    public LeaseSizing {
        if (share < 1) {
            throw new IllegalArgumentException("share must be at least 1, was " + share);
        }
    }

    /**
     * The units to grant, or 0 when the room left cannot cover the need.
     *
     * @param limit the limit
     * @param held  units already spent, reserved or leased out
     * @param need  the units the asking holder needs now (its next request's worst case)
     */
    public long grant(long limit, long held, long need) {
        if (need < 0) {
            throw new IllegalArgumentException("need must not be negative, was " + need);
        }
        long room = limit - held;
        if (room < need || room <= 0) {
            return 0;
        }
        return Math.min(room, Math.max(need, room / share));
    }

    /** The room a grant can still leave for a constrained class (e.g. low priority below a cutoff), at most the grant. */
    public static long within(long grant, long ceiling, long held) {
        return Math.max(0, Math.min(grant, ceiling - held));
    }
}
