package io.llmpipeline.worker.loop;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.llmpipeline.worker.metrics.WorkerMetrics;

/**
 * The loop's current {@link KafkaClients}, and starting them again when the producer can no longer
 * commit though no other process took this worker's place: new clients under the same ids after a
 * {@link RestartBackoff}, each restart logged at WARN and counted ({@code llm.worker.kafka.restarts}).
 * The new producer's {@code initTransactions} takes the transactional id at a new epoch; the new
 * consumer joins the group, and the partitions it is given go through the usual assignment
 * (committed position, attempt journal).
 */
final class ClientRestarts {
    private static final Logger LOG = LoggerFactory.getLogger(ClientRestarts.class);

    private final Supplier<KafkaClients> open;
    private final WorkerMetrics metrics;
    private final String workerId;
    private final RestartBackoff backoff = new RestartBackoff();
    private KafkaClients current;

    /** @param open opens a set of clients and subscribes its consumer */
    ClientRestarts(Supplier<KafkaClients> open, WorkerMetrics metrics, String workerId) {
        this.open = open;
        this.metrics = metrics;
        this.workerId = workerId;
        this.current = open.get();
    }

    KafkaClients current() {
        return current;
    }

    /** A commit went through: the next restart, if any, waits the shortest time again. */
    void committed() {
        backoff.reset();
    }

    /**
     * Closes the current clients (the consumer leaves the group) and opens new ones after the
     * backoff, again and again while opening fails (the broker is still away).
     *
     * @param stopping whether the worker is stopping meanwhile
     * @return false when there are no new clients: the worker is stopping, or opening failed in a way
     *         no restart mends (another process holds this worker's id, not authorised; logged)
     */
    boolean restart(BooleanSupplier stopping) {
        current.close();
        while (!stopping.getAsBoolean()) {
            long pause = backoff.next();
            LOG.warn("worker {}: its Kafka clients start again in {} ms", workerId, pause);
            if (!pause(pause, stopping)) {
                return false;
            }
            try {
                current = open.get();
                metrics.kafkaClientsRestarted();
                return true;
            } catch (KafkaException e) {
                CommitFailure failure = CommitFailure.of(e, 0, Long.MAX_VALUE);
                if (failure.action() == CommitFailure.Action.STOP) {
                    LOG.error("worker {}: {}; it stops", workerId, failure.why(), e);
                    return false;
                }
                LOG.warn("worker {}: its Kafka clients did not start: {}", workerId, e.toString());
            }
        }
        return false;
    }

    /** Waits, unless the worker is stopping meanwhile; whether it waited the whole time. */
    private static boolean pause(long ms, BooleanSupplier stopping) {
        long end = System.nanoTime() + ms * 1_000_000;
        while (!stopping.getAsBoolean()) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return true;
            }
            try {
                Thread.sleep(Math.min(100, left / 1_000_000 + 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}
