package io.llmpipeline.launcher.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chaos run in small: a broker, a router and two workers as processes, each struck once (kill -9
 * of a worker, the router and the broker, SIGTERM of the other worker) under load.
 */
class ChaosIT {
    @Test
    void shouldAnswerEveryRequestExactlyOnceThroughKillsOfEveryProcessAndLeaveNoProcessBehind(@TempDir Path dir)
            throws Exception {
        long childrenBefore = ProcessHandle.current().children().count();

        ChaosVerdict verdict = ChaosRun.run(new ChaosRun.Options(dir, 600, Duration.ofSeconds(20), 1, 2,
                Duration.ofSeconds(3), 0.7, Duration.ofSeconds(180)), System.err);

        verdict.print(System.err);
        assertThat(verdict.requests()).isEqualTo(600);
        assertThat(verdict.lost()).isZero();
        assertThat(verdict.duplicated()).isZero();
        assertThat(verdict.billedEvents()).isPositive();
        // unlogged billed calls and overspend are not asserted: calls in flight in a killed worker are re-made
        // and have no invocation event yet (README, "not finished"); the run prints both
        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive).count()).isEqualTo(childrenBefore);
    }
}
