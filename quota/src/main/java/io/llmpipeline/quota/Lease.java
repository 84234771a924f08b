package io.llmpipeline.quota;

import java.time.Clock;
import java.time.Duration;

/**
 * A holder's view of one lease: units granted to it, of which it has used some. The holder spends
 * locally, without asking the owner, as long as {@link #covers} says so; once the lease is idle or
 * old it is given back ({@link #due}) with what was used, so the unused part returns to the limit.
 *
 * @param id          the owner's name for the lease, quoted back on use and return
 * @param granted     units granted
 * @param constrained of those, the units a constrained class (e.g. low priority) may use
 * @param used        units used so far
 * @param grantedAtMs when it was granted (holder's clock)
 * @param usedAtMs    when it was last used, or granted
 */
public record Lease(String id, long granted, long constrained, long used, long grantedAtMs, long usedAtMs) {
    public Lease {
        if (granted < 0 || used < 0 || used > granted || constrained > granted) {
            throw new IllegalArgumentException("lease " + id + ": granted " + granted + ", constrained " + constrained + ", used " + used);
        }
    }

    public static Lease granted(String id, long units, long constrained, Clock clock) {
        long now = clock.millis();
        return new Lease(id, units, Math.max(0, constrained), 0, now, now);
    }

    public long unused() {
        return granted - used;
    }

    /** Whether {@code units} more fit, for the constrained class or not. */
    public boolean covers(long units, boolean constrainedClass) {
        return used + units <= (constrainedClass ? constrained : granted);
    }

    /** Takes units out of the lease; the caller checked {@link #covers} first. */
    public Lease take(long units, Clock clock) {
        if (used + units > granted) {
            throw new IllegalStateException("lease " + id + " has " + unused() + " units left, asked for " + units);
        }
        return new Lease(id, granted, constrained, used + units, grantedAtMs, clock.millis());
    }

    /**
     * Whether the lease must go back now: unused for {@code idle}, or older than {@code maxAge} (an
     * old lease is never used, so the owner can count on it being back within that time).
     */
    public boolean due(Clock clock, Duration idle, Duration maxAge) {
        long now = clock.millis();
        return now - usedAtMs >= idle.toMillis() || expired(clock, maxAge);
    }

    public boolean expired(Clock clock, Duration maxAge) {
        return clock.millis() - grantedAtMs >= maxAge.toMillis();
    }
}
