package io.llmpipeline.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The warm-up's rounds, driven by a scripted clock and compile counter: each round takes 10 s. */
class WarmupTest {
    private long nowMs;
    private long compileMs;
    private final List<long[]> rounds = new ArrayList<>();
    private final List<String> logged = new ArrayList<>();

    /** A round that takes 10 s in which the compilers spend the next scripted number of milliseconds. */
    private Warmup warmup(long... compileMsPerRound) {
        return new Warmup((first, requests) -> {
            int index = rounds.size();
            rounds.add(new long[] {first, requests});
            nowMs += 10_000;
            compileMs += index < compileMsPerRound.length ? compileMsPerRound[index] : 0;
        }, () -> compileMs, () -> nowMs, logged::add);
    }

    @Test
    void sendsTheMinimumInEqualRoundsAndStopsThereWhenTheCompilersAreAlreadyQuiet() throws InterruptedException {
        Warmup.Done done = warmup(9_000, 4_000, 500).run(100_000, 30_000, 0.1, 300_000);

        assertThat(rounds).extracting(r -> r[0]).containsExactly(0L, 33_334L, 66_668L);
        assertThat(rounds).extracting(r -> r[1]).containsOnly(33_334L);
        assertThat(done.requests()).isEqualTo(100_002);
        assertThat(done.compilerCores()).isEqualTo(0.05);
        assertThat(done.stillBusy()).isFalse();
    }

    @Test
    void keepsSendingRoundsWhileTheCompilersAreBusyAndStopsAtTheFirstQuietRound() throws InterruptedException {
        Warmup.Done done = warmup(9_000, 6_000, 5_000, 3_000, 1_500, 900).run(60_000, 30_000, 0.1, 300_000);

        assertThat(rounds).hasSize(6);
        assertThat(rounds.get(5)[0]).isEqualTo(150_000);
        assertThat(done.requests()).isEqualTo(180_000);
        assertThat(done.compilerCores()).isEqualTo(0.09);
        assertThat(done.stillBusy()).isFalse();
        assertThat(logged).hasSize(5).first().asString().contains("60,000 requests sent", "60% of one core");
    }

    @Test
    void stopsAtTheTimeLimitAndSaysTheCompilersWereStillBusy() throws InterruptedException {
        Warmup.Done done = warmup(9_000, 9_000, 9_000, 9_000, 9_000, 9_000, 9_000).run(30_000, 30_000, 0.1, 35_000);

        assertThat(rounds).hasSize(4);
        assertThat(done.stillBusy()).isTrue();
        assertThat(done.compilerCores()).isEqualTo(0.9);
    }

    @Test
    void sendsOnlyTheMinimumWhenNotAskedToWaitForTheCompilers() throws InterruptedException {
        Warmup.Done done = warmup(9_000, 9_000).run(50_000, 30_000, 0, 300_000);

        assertThat(rounds).hasSize(1);
        assertThat(done.requests()).isEqualTo(50_000);
        assertThat(done.stillBusy()).isFalse();
    }

    @Test
    void refusesAWarmupWithoutRequests() {
        assertThatThrownBy(() -> warmup().run(0, 30_000, 0.1, 300_000)).isInstanceOf(IllegalArgumentException.class);
    }
}
