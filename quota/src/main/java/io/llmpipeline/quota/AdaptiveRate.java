package io.llmpipeline.quota;

/**
 * The rate a provider really allows, learned while calling it: additive increase while calls
 * succeed, multiplicative decrease on a 429 (at most once per {@code holdOffMs}, so one burst of
 * refusals counts once), and the provider's own figure as the ceiling as soon as its rate-limit
 * headers give one. The catalog's number is only the first guess. Not thread-safe; time is the caller's.
 */
public final class AdaptiveRate {
    private final double floorPerMinute;
    private final double increasePerMinutePerMinute;
    private final double decreaseFactor;
    private final long holdOffMs;
    private double ceilingPerMinute;
    private double ratePerMinute;
    private long lastChangeMs;
    private long lastDecreaseMs = Long.MIN_VALUE / 2;

    /**
     * @param initialPerMinute           the first guess (the catalog's limit); also the ceiling until
     *                                   the provider says otherwise ({@code <= 0}: unlimited)
     * @param increasePerMinutePerMinute how fast the rate climbs back while calls succeed
     * @param decreaseFactor             the rate is multiplied by this on a 429, in (0, 1)
     */
    public AdaptiveRate(double initialPerMinute, double floorPerMinute, double increasePerMinutePerMinute,
                        double decreaseFactor, long holdOffMs, long nowMs) {
        if (decreaseFactor <= 0 || decreaseFactor >= 1) {
            throw new IllegalArgumentException("decreaseFactor must be in (0, 1), got " + decreaseFactor);
        }
        this.ceilingPerMinute = initialPerMinute <= 0 ? Double.POSITIVE_INFINITY : initialPerMinute;
        this.ratePerMinute = ceilingPerMinute;
        this.floorPerMinute = Math.max(0, floorPerMinute);
        this.increasePerMinutePerMinute = increasePerMinutePerMinute;
        this.decreaseFactor = decreaseFactor;
        this.holdOffMs = holdOffMs;
        this.lastChangeMs = nowMs;
    }

    public double ratePerMinute() {
        return ratePerMinute;
    }

    public double ceilingPerMinute() {
        return ceilingPerMinute;
    }

    /** A call went through: the rate climbs toward the ceiling by the time elapsed. */
    public void onSuccess(long nowMs) {
        if (Double.isInfinite(ratePerMinute)) {
            return;
        }
        double minutes = Math.max(0, nowMs - lastChangeMs) / 60_000.0;
        ratePerMinute = Math.min(ceilingPerMinute, ratePerMinute + increasePerMinutePerMinute * minutes);
        lastChangeMs = nowMs;
    }

    /** The provider refused a call for its rate: back off, once per hold-off. */
    public void onThrottled(long nowMs, double observedRatePerMinute) {
        if (nowMs - lastDecreaseMs < holdOffMs) {
            return;
        }
        double from = Double.isInfinite(ratePerMinute) ? observedRatePerMinute : ratePerMinute;
        ratePerMinute = Math.max(floorPerMinute, from * decreaseFactor);
        lastDecreaseMs = nowMs;
        lastChangeMs = nowMs;
    }

    /** The provider announced its limit (e.g. {@code x-ratelimit-limit-requests}): it is the ceiling from now on. */
    public void onProviderLimit(double limitPerMinute, long nowMs) {
        if (limitPerMinute <= 0) {
            return;
        }
        ceilingPerMinute = limitPerMinute;
        if (ratePerMinute > ceilingPerMinute) {
            ratePerMinute = ceilingPerMinute;
            lastChangeMs = nowMs;
        }
    }
}
