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

    static double units(String self, double size, List<Member> view) {
        return new RateShares(self, TTL, GRACE).target(RPM, size, view, NOW, true) * size;
    }

    @Test
    void shouldSplitTwoCallsAtOnceAmongThreeBusyMembersAsWholeCallsThatAddUpToTwo() {
        List<Member> view = List.of(member("c", 2), member("a", 2), member("b", 2));

        // two thirds of a call each would be no call at all once rounded down: two of them get one each
        List<Double> units = List.of(units("a", 2, view), units("b", 2, view), units("c", 2, view));
        assertThat(units).containsExactlyInAnyOrder(1.0, 1.0, 0.0);
    }

    @Test
    void shouldGiveTheLeftOverCallToEveryBusyMemberInTurn() {
        java.util.Set<String> served = new java.util.HashSet<>();
        for (long t = NOW; t < NOW + 20 * RateShares.UNIT_ROTATION_MS; t += RateShares.UNIT_ROTATION_MS) {
            for (String self : List.of("a", "b", "c")) {
                List<Member> seen = List.of(new Member("a", 0, t, Map.of(RPM, 2.0), false),
                        new Member("b", 0, t, Map.of(RPM, 2.0), false), new Member("c", 0, t, Map.of(RPM, 2.0), false));
                if (new RateShares(self, TTL, GRACE).target(RPM, 2, seen, t, true) > 0) {
                    served.add(self);
                }
            }
        }
        assertThat(served).as("nobody waits for as long as the others stay busy").containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void shouldGiveTheBusyMemberTheCallsTheIdleOnesDoNotUseInWholeCalls() {
        // ten calls at once: a has 7 waiting, b uses 1, c none; b gets its 1, a the 7 it asks for, and the 2 nobody
        // asked for are spread as whole calls, never as a part of one
        List<Member> view = List.of(member("a", 7), member("b", 1), member("c", 0));

        double a = units("a", 10, view);
        double b = units("b", 10, view);
        double c = units("c", 10, view);
        assertThat(a + b + c).isCloseTo(10, within(1e-9));
        assertThat(a).isGreaterThanOrEqualTo(7);
        assertThat(b).isGreaterThanOrEqualTo(1);
        assertThat(List.of(a, b, c)).allSatisfy(u -> assertThat(u % 1).isCloseTo(0, within(1e-9)));
    }
}
