package io.llmpipeline.launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.streams.KafkaStreams;

import io.llmpipeline.router.Router;

/**
 * The router-kill bench: a second router instance joins, takes half the tasks, and is killed with
 * kill -9 while the load runs; the load's longest gap between results is the time routing stalled.
 * With a restart delay the killed instance is started again in its own directory, under its own
 * instance id, as a supervisor would restart it.
 */
final class RouterKill {
    interface Load {
        LoadGenerator.Outcome run() throws InterruptedException;
    }

    private RouterKill() {
    }

    static LoadGenerator.Outcome run(LocalPipeline pipeline, Path dir, Duration killAfter, Duration restartAfter, Load load)
            throws InterruptedException {
        KafkaStreams first = pipeline.router().streams();
        int allTasks = Router.activeTasks(first);
        ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor();
        RouterProcess[] restarted = {null};
        try (RouterProcess second = RouterProcess.start(pipeline.catalog(), pipeline.bootstrapServers(), dir)) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            // the second instance counts once it holds tasks and the group is settled again
            while (!(first.state() == KafkaStreams.State.RUNNING && Router.activeTasks(first) < allTasks)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the second router instance took no tasks within 3 minutes");
                }
                Thread.sleep(200);
            }
            // a kill before the second instance runs what it took would time its start-up, not a failover
            second.awaitRoutingTasks(Duration.ofMinutes(3));
            System.err.printf("router-kill: the in-process router went from %d to %d active tasks, the other runs the rest;"
                    + " killing it in %d s%n", allTasks, Router.activeTasks(first), killAfter.toSeconds());
            killer.schedule(second::kill, killAfter.toMillis(), TimeUnit.MILLISECONDS);
            if (restartAfter != null) {
                killer.schedule(() -> {
                    System.err.printf("router-kill: restarting the killed instance %d s after the kill%n", restartAfter.toSeconds());
                    restarted[0] = RouterProcess.start(pipeline.catalog(), pipeline.bootstrapServers(), dir);
                }, killAfter.plus(restartAfter).toMillis(), TimeUnit.MILLISECONDS);
            }
            return load.run();
        } finally {
            killer.shutdownNow();
            killer.awaitTermination(1, TimeUnit.MINUTES);
            if (restarted[0] != null) {
                restarted[0].close();
            }
        }
    }
}
