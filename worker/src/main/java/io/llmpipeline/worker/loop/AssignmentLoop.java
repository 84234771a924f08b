package io.llmpipeline.worker.loop;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.TopicsConfig;
import io.llmpipeline.catalog.WorkerConfig;
import io.llmpipeline.schemas.Codecs;
import io.llmpipeline.schemas.AttemptJournalEntry;
import io.llmpipeline.schemas.LlmAssignment;
import io.llmpipeline.worker.health.HealthReporter;
import io.llmpipeline.worker.batch.CancelledBatches;
import io.llmpipeline.worker.loop.InFlightRuns.Finished;
import io.llmpipeline.worker.metrics.WorkerMetrics;
import io.llmpipeline.worker.run.Readmission;
import io.llmpipeline.worker.run.RunContext;
import io.llmpipeline.worker.run.RunReport;

/**
 * The worker's one Kafka thread: poll, start runs, drain what finished, commit. It takes
 * assignments, starts their runs (many more than there are partitions, up to
 * {@code worker.maxInFlight}), and every {@code commitIntervalMs} commits what finished through
 * the {@link Outbox}: results, invocation events, provider health and the consumed offsets in one
 * Kafka transaction. Offsets advance only over finished records ({@link PartitionProgress}).
 *
 * <p>Priority: fetched assignments wait in a {@link BandedBacklog}; when the worker is saturated
 * the highest (aged) band starts first, and {@link FlowControl} pauses a band whose backlog is full.
 */
public final class AssignmentLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(AssignmentLoop.class);

    private final TopicsConfig topics;
    private final WorkerConfig config;
    private final WorkerMetrics metrics;
    private final HealthReporter health;
    private final Clock clock;
    private final String workerId;
    private final ClientRestarts clients;
    /** The current clients' (replaced by a restart); used from the loop's thread only. */
    private KafkaConsumer<String, byte[]> consumer;
    private Outbox outbox;
    private final OutputRecords output;
    private final FlowControl flow;
    private final OwnedPartitions owned;
    private final BandedBacklog<Pending> backlog;
    private final ConcurrentLinkedQueue<Finished> finished = new ConcurrentLinkedQueue<>();
    private final InFlightRuns runs;
    private final CancelledBatches cancelledBatches;
    private final JournalWriter journal;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile boolean fatal;
    /** The producer cannot commit any more though no one took this worker's place: the clients start again. */
    private boolean clientsBroken;
    private volatile int backlogSize;
    private volatile int outboxSize;
    private long lastCommitMs;
    private long nextHealthMs;

    public AssignmentLoop(Catalog catalog, String bootstrapServers, String workerId, RunContext ctx,
                          HealthReporter health) {
        this.topics = catalog.topics();
        this.config = catalog.config().worker();
        this.metrics = ctx.metrics();
        this.health = health;
        this.clock = ctx.clock();
        this.backlog = new BandedBacklog<>(clock, config.priorityAgingMs());
        this.flow = new FlowControl(catalog.bands(), config.maxInFlight());
        this.output = new OutputRecords(topics, catalog.bands(), ctx, clock, () -> outbox);
        this.cancelledBatches = CancelledBatches.watch(bootstrapServers, topics.batches());
        this.journal = new JournalWriter(topics.attemptJournal(), bootstrapServers, workerId);
        this.runs = new InFlightRuns(ctx, cancelledBatches, journal, finished);
        this.workerId = workerId;
        this.owned = new OwnedPartitions(new JournalRecovery(topics.attemptJournal(), bootstrapServers, workerId),
                () -> consumer, () -> {
                    drainFinished();
                    commit();
                }, this::release);
        this.clients = new ClientRestarts(() -> {
            KafkaClients opened = KafkaClients.open(config, bootstrapServers, workerId);
            opened.consumer().subscribe(List.of(topics.assigned()), owned);
            return opened;
        }, metrics, workerId);
        this.consumer = clients.current().consumer();
        this.outbox = clients.current().outbox();
    }

    @Override
    public void run() {
        try {
            lastCommitMs = clock.millis();
            nextHealthMs = clock.millis() + config.healthIntervalMs();
            long graceEnd = Long.MAX_VALUE;
            while (!fatal) {
                if (clientsBroken) {
                    if (stopping) {
                        break;
                    }
                    restartClients();
                    continue;
                }
                ConsumerRecords<String, byte[]> records = consumer.poll(untilNextCommit());
                if (clientsBroken) {
                    continue; // a commit in a rebalance callback found the producer unusable: these records go with it
                }
                take(records);
                if (!stopping) {
                    startRuns();
                }
                drainFinished();
                long now = clock.millis();
                if (now >= nextHealthMs) {
                    health.periodic();
                    nextHealthMs = now + config.healthIntervalMs();
                }
                if (now - lastCommitMs >= config.commitIntervalMs()) {
                    commit();
                }
                flow.adjust(consumer, backlog, stopping);
                backlogSize = backlog.size();
                outboxSize = outbox.size();
                if (stopping) {
                    if (graceEnd == Long.MAX_VALUE) {
                        graceEnd = now + config.shutdownGraceMs();
                    }
                    if (runs.count() == 0 || now >= graceEnd) {
                        break;
                    }
                }
            }
            abandonAll();
            drainFinished();
            if (!fatal) {
                commit();
            }
        } catch (WakeupException | InterruptException e) {
            LOG.info("worker loop interrupted");
        } catch (FencedInstanceIdException e) {
            LOG.error("another process joined the group as {} (the same group.instance.id); this worker stops", workerId, e);
        } catch (RuntimeException e) {
            LOG.error("worker loop failed", e);
        } finally {
            abandonAll();
            closeQuietly();
            stopped.countDown();
        }
    }

    /**
     * At most {@code pollMs}, and no longer than until the next commit is due: readers at low load wait one commit
     * interval for a result, and a poll overrunning it added up to {@code pollMs} to every such wait.
     */
    private Duration untilNextCommit() {
        long due = lastCommitMs + config.commitIntervalMs() - clock.millis();
        return Duration.ofMillis(Math.max(0, Math.min(config.kafka().pollMs(), due)));
    }

    /** Stops taking work; in-flight requests get {@code shutdownGraceMs} to finish. */
    public void stop() {
        stopping = true;
    }

    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /** Assignments taken from Kafka and not started yet (approximate: read without the loop's lock). */
    public int backlogSize() {
        return backlogSize;
    }

    /** Output records waiting for the next commit. */
    public int outboxSize() {
        return outboxSize;
    }

    private void take(ConsumerRecords<String, byte[]> records) {
        for (ConsumerRecord<String, byte[]> record : records) {
            TopicPartition tp = new TopicPartition(record.topic(), record.partition());
            PartitionProgress p = owned.of(tp);
            p.taken(record.offset());
            if (p.doneBefore(record.offset())) {
                // finished and written by the previous owner of the partition, after its last committed offset
                p.finished(record.offset());
                continue;
            }
            LlmAssignment assignment;
            try {
                assignment = Codecs.ASSIGNMENT.decode(record.value());
            } catch (SerializationException e) {
                output.deadLetter(record, tp, e.getMessage(), e);
                p.finished(record.offset());
                continue;
            }
            List<AttemptJournalEntry> earlier = p.takeEarlier(record.offset());
            if (config.readmitInterrupted() && Readmission.needed(assignment, earlier)) {
                output.readmit(tp, record.offset(), assignment, earlier);
                p.finished(record.offset());
                continue;
            }
            backlog.add(flow.bandOf(tp), new Pending(tp, record.offset(), assignment, p, earlier));
        }
    }

    private void startRuns() {
        while (runs.count() < config.maxInFlight()) {
            Pending pending = backlog.poll();
            if (pending == null) {
                return;
            }
            runs.start(pending);
        }
    }

    private void drainFinished() {
        for (Finished f; (f = finished.poll()) != null; ) {
            Pending p = f.pending();
            runs.drained(p);
            if (p.progress().revoked() || f.error() instanceof CancellationException) {
                metrics.requestAbandoned();
                continue;
            }
            if (f.error() != null) {
                metrics.requestAbandoned();
                LOG.error("run of {} failed unexpectedly", p.requestId(), f.error());
                ConsumerRecord<String, byte[]> source = new ConsumerRecord<>(p.tp().topic(), p.tp().partition(), p.offset(),
                        p.requestId(), Codecs.ASSIGNMENT.encode(p.assignment()));
                output.deadLetter(source, p.tp(), "worker failed on this assignment: " + f.error(), null);
                p.progress().finished(p.offset());
                continue;
            }
            RunReport report = f.report();
            output.ran(p, report);
            metrics.requestEnded(report.result() == null || report.result().getError() == null, report.result() == null);
            p.progress().finished(p.offset());
        }
    }

    private void commit() {
        if (clientsBroken || fatal) {
            return; // nothing more goes through a producer that cannot commit
        }
        lastCommitMs = clock.millis();
        journal.drainAcks(owned.progress());
        health.drain().forEach(output::health);
        switch (outbox.commit(owned.progress(), consumer)) {
            case DONE -> clients.committed();
            case RESTART -> clientsBroken = true;
            case FATAL -> fatal = true;
            case IDLE, KEPT -> {
            }
        }
    }

    /**
     * The producer cannot commit any more (its transaction outlived {@code transaction.timeout.ms},
     * typically across a broker outage, and the coordinator aborted it), though no other process took
     * this worker's place. To the rest of the group this is a rebalance in which the worker lost its
     * partitions and may get them back: their uncommitted output is dropped, their runs are cancelled
     * (every call that left is in the attempt journal, which the partitions' next owner reads, as
     * after a crash), the consumer leaves the group, and after a backoff new clients join it.
     */
    private void restartClients() {
        owned.forgetAll();
        abandonAll();
        if (clients.restart(() -> stopping)) {
            consumer = clients.current().consumer();
            outbox = clients.current().outbox();
            clientsBroken = false;
        } else if (!stopping) {
            fatal = true;
        }
    }

    /** The partition is no longer this worker's: its runs, backlog and uncommitted output go. */
    private void release(TopicPartition tp) {
        runs.cancel(tp);
        backlog.removeIf(pending -> pending.tp().equals(tp));
        outbox.forget(tp);
        flow.forget(tp);
    }

    private void abandonAll() {
        runs.cancelAll();
        backlog.removeIf(p -> true);
        backlogSize = 0;
    }

    private void closeQuietly() {
        cancelledBatches.close();
        try {
            journal.close();
            owned.close();
        } catch (RuntimeException e) {
            LOG.warn("closing the attempt journal: {}", e.toString());
        }
        clients.current().close();
    }
}
