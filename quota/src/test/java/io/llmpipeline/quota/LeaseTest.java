package io.llmpipeline.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class LeaseTest {
    private static final Instant T0 = Instant.parse("2026-12-03T09:00:00Z");

    private static Clock at(long ms) {
        return Clock.fixed(T0.plusMillis(ms), ZoneOffset.UTC);
    }

    @Test
    void shouldGrantAQuarterOfWhatIsLeftButNeverLessThanTheNeed() {
        LeaseSizing sizing = new LeaseSizing(4);
        assertThat(sizing.grant(100_000, 0, 600)).isEqualTo(25_000);
        assertThat(sizing.grant(100_000, 96_000, 600)).as("4,000 left: a quarter is 1,000").isEqualTo(1_000);
        assertThat(sizing.grant(100_000, 98_000, 600)).as("2,000 left: a quarter is below the need").isEqualTo(600);
        assertThat(sizing.grant(100_000, 99_500, 600)).as("500 left cannot cover 600").isZero();
        assertThat(sizing.grant(100_000, 120_000, 0)).as("over the limit").isZero();
    }

    @Test
    void shouldLimitTheConstrainedClassToTheRoomBelowItsCeiling() {
        assertThat(LeaseSizing.within(25_000, 90_000, 80_000)).isEqualTo(10_000);
        assertThat(LeaseSizing.within(5_000, 90_000, 80_000)).isEqualTo(5_000);
        assertThat(LeaseSizing.within(5_000, 90_000, 95_000)).isZero();
    }

    @Test
    void shouldSpendLocallyUntilTheLeaseIsUsedUp() {
        Lease lease = Lease.granted("l1", 1_000, 400, at(0));
        lease = lease.take(600, at(10));
        assertThat(lease.covers(400, false)).isTrue();
        assertThat(lease.covers(401, false)).isFalse();
        assertThat(lease.covers(1, true)).as("the constrained class has only 400, already passed").isFalse();
        assertThat(lease.unused()).isEqualTo(400);
        Lease used = lease;
        assertThatThrownBy(() -> used.take(401, at(20))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldBeDueWhenIdleOrOld() {
        Duration idle = Duration.ofSeconds(2);
        Duration maxAge = Duration.ofSeconds(30);
        Lease lease = Lease.granted("l1", 1_000, 1_000, at(0)).take(10, at(1_500));
        assertThat(lease.due(at(3_000), idle, maxAge)).isFalse();
        assertThat(lease.due(at(3_500), idle, maxAge)).isTrue();
        Lease busy = lease.take(10, at(29_000));
        assertThat(busy.due(at(29_500), idle, maxAge)).isFalse();
        assertThat(busy.due(at(30_000), idle, maxAge)).as("30 s old").isTrue();
    }

    @Test
    void shouldCountTheWholeLeaseUntilReturnedThenOnlyUnconfirmedUse() {
        LeaseAccount account = LeaseAccount.open(1_000).confirm(300);
        assertThat(account.outstanding()).isEqualTo(700);
        account = account.giveBack(500);
        assertThat(account.outstanding()).as("200 used but not yet reported").isEqualTo(200);
        assertThat(account.giveBack(0)).as("a second return changes nothing").isEqualTo(account);
        assertThat(account.settled()).isFalse();
        account = account.confirm(200);
        assertThat(account.outstanding()).isZero();
        assertThat(account.settled()).isTrue();
    }
}
