package io.llmpipeline.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class WorkerKillTest {
    /** Calls counted every 250 ms at {@code before} calls/s until the kill, then at {@code gap}, then {@code after} from {@code recoverAtMs}. */
    private static List<WorkerKill.Sample> samples(double before, long killAtMs, double gap, long recoverAtMs, double after, long endMs) {
        List<WorkerKill.Sample> out = new ArrayList<>();
        double calls = 0;
        for (long t = 0; t <= endMs; t += 250) {
            out.add(new WorkerKill.Sample(t, Math.round(calls)));
            double rate = t < killAtMs ? before : t < recoverAtMs ? gap : after;
            calls += rate / 4;
        }
        return out;
    }

    @Test
    void shouldMeasureFromTheKillToTheEndOfTheFirstWindowBackAtTheEarlierRate() {
        List<WorkerKill.Sample> samples = samples(10, 60_000, 6.7, 64_000, 10, 120_000);

        WorkerKill.Reclaim reclaim = WorkerKill.reclaim(samples, 60_000);

        assertThat(reclaim.beforePerSecond()).isCloseTo(10, within(0.1));
        // a window starting at the kill holds 4 s at 6.7/s and 1 s at 10/s: 8.4/s, under 9; the first at 9 or more
        // starts once at most 1.5 s of the slow rate is inside it
        assertThat(reclaim.reclaimMs()).isBetween(7_000L, 8_000L);
    }

    @Test
    void shouldSayNeverWhenTheSurvivorsNeverCallAtTheEarlierRate() {
        List<WorkerKill.Sample> samples = samples(10, 60_000, 6.7, Long.MAX_VALUE, 6.7, 120_000);

        assertThat(WorkerKill.reclaim(samples, 60_000).reclaimMs()).isEqualTo(-1);
    }

    @Test
    void shouldSayNeverWhenNoWorkerWasKilled() {
        assertThat(WorkerKill.reclaim(samples(10, 200_000, 10, 200_000, 10, 120_000), -1).reclaimMs()).isEqualTo(-1);
    }
}
