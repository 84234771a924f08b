package io.llmpipeline.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.llmpipeline.testkit.KafkaFixture;

/** Three workers sharing one provider's limit through heartbeats on a real broker. */
class QuotaGroupIT {
    static final String RPM = "provider/sim-openai/requests";
    static final Duration PATIENCE = Duration.ofSeconds(60);

    final String topic = "quota-it-" + UUID.randomUUID();
    final List<QuotaGroup> members = new ArrayList<>();

    QuotaGroup join(String id) {
        QuotaGroup member = QuotaGroup.join(QuotaGroup.Settings.defaults(KafkaFixture.shared().bootstrapServers(), topic, id),
                Clock.systemUTC(), () -> Map.of(RPM, 10_000.0), () -> Map.of(RPM, 600.0));
        members.add(member);
        return member;
    }

    @AfterEach
    void leave() {
        members.forEach(QuotaGroup::close);
    }

    /** Waits for {@code expected} shares while checking at every look that the shares never add up to more than the limit. */
    void awaitShares(List<QuotaGroup> live, double expected) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(20)).until(() -> {
            double sum = members.stream().mapToDouble(m -> m.fraction(RPM)).sum();
            assertThat(sum).as("shares of all members").isLessThanOrEqualTo(1.0 + 1e-9);
            return live.stream().allMatch(m -> Math.abs(m.fraction(RPM) - expected) < 1e-9);
        });
    }

    @Test
    void shouldSplitTheLimitEvenlyAndGiveALeaversShareToTheOthers() {
        QuotaGroup a = join("a");
        QuotaGroup b = join("b");
        QuotaGroup c = join("c");
        awaitShares(List.of(a, b, c), 1.0 / 3);

        c.close();

        awaitShares(List.of(a, b), 0.5);
    }

    @Test
    void shouldReclaimACrashedMembersShareAfterTheTtlAndNeverOverlapWhenOneJoins() {
        QuotaGroup a = join("a");
        QuotaGroup b = join("b");
        awaitShares(List.of(a, b), 0.5);

        b.stopWithoutGoodbye();
        members.remove(b);
        awaitShares(List.of(a), 1.0);
        assertThat(a.liveMembers()).isEqualTo(1);

        QuotaGroup d = join("d");
        awaitShares(List.of(a, d), 0.5);
    }
}
