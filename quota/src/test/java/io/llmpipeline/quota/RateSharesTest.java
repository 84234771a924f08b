package io.llmpipeline.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class RateSharesTest {
    static final String RPM = "sim-openai:requests";
    static final long TTL = 3_000;
    static final long GRACE = 2_000;
    static final long NOW = 100_000;

    static Member member(String id, double demand) {
        return new Member(id, 0, NOW, Map.of(RPM, demand), false);
    }

    static double fraction(String self, double limit, List<Member> view) {
        return new RateShares(self, TTL, GRACE).target(RPM, limit, view, NOW);
    }

    @Test
    void shouldSplitEvenlyAmongThreeMembersThatAllWantMoreThanTheLimit() {
        List<Member> view = List.of(member("a", 1_000), member("b", 1_000), member("c", 1_000));

        assertThat(fraction("a", 600, view)).isCloseTo(1.0 / 3, within(1e-9));
        assertThat(fraction("a", 600, view) + fraction("b", 600, view) + fraction("c", 600, view)).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void shouldGiveAModestMemberWhatItAsksAndTheRestToTheBusyOnes() {
        // limit 600/min: a wants 60, b and c want everything: a gets 60, b and c 270 each
        List<Member> view = List.of(member("a", 60), member("b", 5_000), member("c", 5_000));

        assertThat(fraction("a", 600, view) * 600).isCloseTo(60, within(1e-6));
        assertThat(fraction("b", 600, view) * 600).isCloseTo(270, within(1e-6));
    }

    @Test
    void shouldSpreadWhatNobodyAsksForSoARisingDemandFindsRoom() {
        List<Member> view = List.of(member("a", 100), member("b", 200));

        assertThat(fraction("a", 600, view) * 600).isCloseTo(100 + 150, within(1e-6));
        assertThat(fraction("b", 600, view) * 600).isCloseTo(200 + 150, within(1e-6));
    }

    @Test
    void shouldDropAMemberSilentForLongerThanTheTtlAndOneThatSaidItIsLeaving() {
        Member silent = new Member("b", 0, NOW - TTL - 1, Map.of(RPM, 1_000.0), false);
        Member leaving = new Member("c", 0, NOW, Map.of(RPM, 1_000.0), true);

        assertThat(fraction("a", 600, List.of(member("a", 1_000), silent, leaving))).isEqualTo(1.0);
    }

    @Test
    void shouldTakeNothingUntilEveryMemberHadTheGraceToSeeANewcomer() {
        Member newcomer = new Member("n", NOW - GRACE + 1, NOW, Map.of(RPM, 1_000.0), false);

        assertThat(fraction("n", 600, List.of(member("a", 1_000), newcomer))).isZero();
        assertThat(fraction("a", 600, List.of(member("a", 1_000), newcomer))).isEqualTo(0.5);
    }

    @Test
    void shouldTakeNothingWhenItsOwnHeartbeatIsNotSeenAnyMore() {
        Member me = new Member("a", 0, NOW - TTL - 1, Map.of(RPM, 1_000.0), false);

        assertThat(fraction("a", 600, List.of(me, member("b", 1_000)))).isZero();
    }

    @Test
    void shouldShrinkAtOnceButGrowOnlyAfterTheGrace() {
        RateShares shares = new RateShares("a", TTL, GRACE);

        assertThat(shares.fraction(RPM, 600, List.of(seen("a", 10_000), seen("b", 10_000)), 10_000)).isEqualTo(0.5);
        assertThat(shares.fraction(RPM, 600, List.of(seen("a", 11_000)), 11_000)).isEqualTo(0.5);
        assertThat(shares.fraction(RPM, 600, List.of(seen("a", 12_999)), 12_999)).isEqualTo(0.5);
        assertThat(shares.fraction(RPM, 600, List.of(seen("a", 13_000)), 13_000)).isEqualTo(1.0);
        assertThat(shares.fraction(RPM, 600, List.of(seen("a", 13_100), seen("b", 13_100)), 13_100)).isEqualTo(0.5);
    }

    static Member seen(String id, long lastSeenMs) {
        return new Member(id, 0, lastSeenMs, Map.of(RPM, 1e6), false);
    }
}
