package io.llmpipeline.launcher.chaos;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import io.llmpipeline.launcher.process.ChildJvm;

/**
 * One fault of a chaos run: which process, how it is stopped, and when (as a share of the load's
 * duration). The process is started again {@code restartAfter} later with the same identity.
 */
record Fault(String label, Function<ChaosCluster, ChildJvm> target, boolean crash, double atShareOfLoad) {

    /** kill -9 of a worker, the router and the broker, then SIGTERM of the other worker. */
    static List<Fault> standardPlan(int workers) {
        int last = workers - 1;
        return List.of(
                new Fault("kill -9 worker-0", c -> c.workers().get(0), true, 0.15),
                new Fault("kill -9 router-0", c -> c.routers().get(0), true, 0.35),
                new Fault("kill -9 broker", ChaosCluster::broker, true, 0.55),
                new Fault("SIGTERM worker-" + last, c -> c.workers().get(last), false, 0.75));
    }

    /** Stops the target the way this fault says; returns what was stopped. */
    ChildJvm strike(ChaosCluster cluster) {
        ChildJvm victim = target.apply(cluster);
        if (crash) {
            victim.kill();
        } else {
            victim.terminate(Duration.ofSeconds(30));
        }
        return victim;
    }
}
