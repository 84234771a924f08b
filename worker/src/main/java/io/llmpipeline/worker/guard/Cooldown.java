package io.llmpipeline.worker.guard;

import java.time.Clock;
import java.time.Duration;

/** A model skipped until an instant, with the reason; a new cooldown only ever extends it. */
public final class Cooldown {
    private final Clock clock;
    private long untilMs;
    private String reason;

    public Cooldown(Clock clock) {
        this.clock = clock;
    }

    /** @return true when this extended the cooldown */
    public synchronized boolean start(Duration duration, String why) {
        long until = clock.millis() + Math.max(0, duration.toMillis());
        if (until <= untilMs) {
            return false;
        }
        untilMs = until;
        reason = why;
        return true;
    }

    public synchronized boolean active() {
        return clock.millis() < untilMs;
    }

    /** The end of the cooldown in epoch ms; 0 when there never was one. */
    public synchronized long untilMs() {
        return untilMs;
    }

    public synchronized String reason() {
        return reason;
    }
}
