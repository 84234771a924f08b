package io.llmpipeline.worker.guard;

import io.llmpipeline.quota.AdaptiveRate;
import io.llmpipeline.quota.TokenBucket;

/**
 * One per-minute limit of pipeline.yaml (requests or tokens, of a provider or of one model) as
 * this worker holds it: a token bucket paced at this worker's share of the group's rate. The
 * group's rate starts at the configured figure and follows the provider ({@link AdaptiveRate}):
 * it drops on a 429 that the provider's headers do not excuse, climbs back while calls go
 * through, and never exceeds the smaller of the configured and the announced limit. Because every
 * member paces at its share and the shares add up to at most one, the group stays under the limit
 * in any window, plus one burst per member. Thread-safe.
 */
public final class SharedRateLimit {
    /**
     * Pace at 60/62 of the limit: a provider counting in its own sliding minute sees a call later
     * than it was granted by the network's delay and by any stall of the sending process (a storm
     * bench on a loaded 2-core machine saw 1,209 calls in a minute for a 1,200 limit at 60/61), and
     * each member may spend one burst on top.
     */
    static final double MARGIN = 60.0 / 62.0;
    /** How far back demand is measured. */
    static final long DEMAND_WINDOW_MS = 5_000;
    /** A member that had to wait asks for this much more than it used, so its share can grow. */
    static final double DEMAND_HEADROOM = 1.5;
    /** On a 429 the rate is multiplied by this, at most once per {@link #DECREASE_HOLD_OFF_MS}. */
    static final double DECREASE = 0.7;
    static final long DECREASE_HOLD_OFF_MS = 2_000;
    /** While calls go through, the rate climbs back by this share of the configured limit per minute. */
    static final double INCREASE_PER_MINUTE = 0.25;

    private final String id;
    private final double configuredPerMinute;
    private final LimitShares shares;
    private final TokenBucket bucket;
    private final AdaptiveRate rate;
    private long windowStartMs;
    private double askedThisWindow;
    private double askedLastWindow;
    private long lastWaitMs = Long.MIN_VALUE / 2;

    /**
     * @param id                  the limit's name in the group, the same in every worker
     * @param configuredPerMinute the catalog's figure: the first guess and the ceiling
     * @param burst               permits that may gather while idle (at least the largest usual call)
     */
    public SharedRateLimit(String id, double configuredPerMinute, double burst, LimitShares shares, long nowMs) {
        if (configuredPerMinute <= 0) {
            throw new IllegalArgumentException("limit " + id + " must be positive, got " + configuredPerMinute);
        }
        this.id = id;
        this.configuredPerMinute = configuredPerMinute;
        this.shares = shares;
        this.bucket = new TokenBucket(0, Math.max(1, burst), nowMs);
        this.rate = new AdaptiveRate(configuredPerMinute, Math.max(1, configuredPerMinute * 0.05),
                configuredPerMinute * INCREASE_PER_MINUTE, DECREASE, DECREASE_HOLD_OFF_MS, nowMs);
        this.windowStartMs = nowMs;
    }

    public String id() {
        return id;
    }

    /**
     * Milliseconds until {@code permits} would be this worker's, queued behind what was taken
     * before; {@link Long#MAX_VALUE} while this worker holds no share of the limit.
     */
    public synchronized long waitMs(double permits, long nowMs) {
        bucket.setRatePerMinute(shares.fraction(id) * rate.ratePerMinute() * MARGIN, nowMs);
        long wait = bucket.waitFor(permits, nowMs);
        if (wait > 0) {
            lastWaitMs = nowMs;
        }
        return wait;
    }

    /** Takes {@code permits} for a call that will start once {@link #waitMs} has passed. */
    public synchronized void take(double permits, long nowMs) {
        roll(nowMs);
        askedThisWindow += permits;
        bucket.take(permits, nowMs);
    }

    /** The call used {@code used} of the {@code taken} permits: give back the rest, or charge the excess. */
    public synchronized void correct(double taken, double used, long nowMs) {
        bucket.correct(taken, used, nowMs);
    }

    /** The provider took a call. */
    public synchronized void onAccepted(long nowMs) {
        rate.onSuccess(nowMs);
    }

    /** The provider refused a call for its pace. */
    public synchronized void onThrottled(long nowMs) {
        rate.onThrottled(nowMs, rate.ratePerMinute());
    }

    /** The provider announced its limit; the configured one still caps it (it may be kept low on purpose). */
    public synchronized void onProviderLimit(double limitPerMinute, long nowMs) {
        if (limitPerMinute > 0) {
            rate.onProviderLimit(Math.min(configuredPerMinute, limitPerMinute), nowMs);
        }
    }

    public double configuredPerMinute() {
        return configuredPerMinute;
    }

    /** This worker's part of the group's rate, 0-1. */
    public double share() {
        return shares.fraction(id);
    }

    /** What this worker asked for in its last full demand window, per minute. */
    public synchronized double usedPerMinute(long nowMs) {
        roll(nowMs);
        return askedLastWindow * 60_000.0 / DEMAND_WINDOW_MS;
    }

    /** The whole group's rate as this worker sees it: the limit the group splits. */
    public synchronized double groupRatePerMinute() {
        return rate.ratePerMinute();
    }

    /** This worker's pace: its share of the group's rate, less the margin. */
    public synchronized double ratePerMinute() {
        return bucket.ratePerMinute();
    }

    /**
     * What this worker would use per minute, for the group's split: the whole limit when calls
     * had to wait lately (it would take any room it is given), else what it used with headroom.
     */
    public synchronized double demandPerMinute(long nowMs) {
        roll(nowMs);
        // a worker whose queue ran dry must stop claiming the whole limit soon, or the busy ones stay at their even split
        if (nowMs - lastWaitMs < DEMAND_WINDOW_MS) {
            return rate.ratePerMinute();
        }
        double used = Math.max(askedThisWindow, askedLastWindow);
        return used * 60_000.0 / DEMAND_WINDOW_MS * DEMAND_HEADROOM;
    }

    private void roll(long nowMs) {
        if (nowMs - windowStartMs >= DEMAND_WINDOW_MS) {
            boolean skipped = nowMs - windowStartMs >= 2 * DEMAND_WINDOW_MS;
            askedLastWindow = skipped ? 0 : askedThisWindow;
            askedThisWindow = 0;
            windowStartMs = nowMs;
        }
    }
}
