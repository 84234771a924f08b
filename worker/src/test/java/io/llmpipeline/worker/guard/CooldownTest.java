package io.llmpipeline.worker.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.llmpipeline.testsupport.MutableClock;

class CooldownTest {
    private final MutableClock clock = MutableClock.atEpochMs(5_000);

    @Test
    void shouldEndAfterItsDuration() {
        Cooldown cooldown = new Cooldown(clock);
        cooldown.start(Duration.ofSeconds(30), "HTTP 503");

        clock.advanceMs(29_999);
        assertThat(cooldown.active()).isTrue();
        clock.advanceMs(1);
        assertThat(cooldown.active()).isFalse();
    }

    @Test
    void shouldOnlyEverBeExtendedNotShortened() {
        Cooldown cooldown = new Cooldown(clock);
        assertThat(cooldown.start(Duration.ofSeconds(30), "breaker opened")).isTrue();
        assertThat(cooldown.start(Duration.ofSeconds(2), "Retry-After 2000 ms")).isFalse();

        assertThat(cooldown.untilMs()).isEqualTo(35_000);
        assertThat(cooldown.reason()).isEqualTo("breaker opened");
    }
}
