package io.llmpipeline.launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.streams.KafkaStreams;

/**
 * The router-kill bench: a second router instance joins, takes half the tasks, and is killed with
 * kill -9 while the load runs; the load's longest gap between results is the time routing stalled.
 */
final class RouterKill {
    interface Load {
        LoadGenerator.Outcome run() throws InterruptedException;
    }

    private RouterKill() {
    }

    static LoadGenerator.Outcome run(LocalPipeline pipeline, Path dir, Duration killAfter, Load load) throws InterruptedException {
        KafkaStreams first = pipeline.router().streams();
        int allTasks = activeTasks(first);
        ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor();
        try (RouterProcess second = RouterProcess.start(pipeline.catalog(), pipeline.bootstrapServers(), dir)) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            // the second instance counts once it holds tasks and the group is settled again
            while (!(first.state() == KafkaStreams.State.RUNNING && activeTasks(first) < allTasks)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the second router instance took no tasks within 3 minutes");
                }
                Thread.sleep(200);
            }
            System.err.printf("router-kill: the in-process router went from %d to %d active tasks; killing the other in %d s%n",
                    allTasks, activeTasks(first), killAfter.toSeconds());
            killer.schedule(second::kill, killAfter.toMillis(), TimeUnit.MILLISECONDS);
            return load.run();
        } finally {
            killer.shutdownNow();
        }
    }

    private static int activeTasks(KafkaStreams streams) {
        return streams.metadataForLocalThreads().stream().mapToInt(t -> t.activeTasks().size()).sum();
    }
}
