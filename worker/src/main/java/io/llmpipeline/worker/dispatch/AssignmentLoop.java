package io.llmpipeline.worker.dispatch;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.PriorityBands;
import io.llmpipeline.catalog.TopicsConfig;
import io.llmpipeline.catalog.WorkerConfig;
import io.llmpipeline.schemas.Codecs;
import io.llmpipeline.schemas.DlqEnvelope;
import io.llmpipeline.schemas.InvocationEvent;
import io.llmpipeline.schemas.LlmAssignment;
import io.llmpipeline.schemas.Priority;
import io.llmpipeline.schemas.ProviderHealth;
import io.llmpipeline.worker.health.HealthReporter;

/**
 * The worker's one Kafka thread. It takes assignments, starts their runs (many more than there
 * are partitions, up to {@code worker.maxInFlight}), and every {@code commitIntervalMs} commits
 * what finished: results, invocation events, provider health and the consumed offsets in one
 * Kafka transaction, so a crash leaves either all of a request's output and its offset, or none.
 * Offsets advance only over a contiguous run of finished records per partition.
 *
 * <p>Priority: fetched assignments wait in a {@link BandedBacklog}; when the worker is saturated
 * the highest (aged) band starts first, and a band whose backlog is full has its partitions
 * paused (not dropped) until it drains.
 */
public final class AssignmentLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(AssignmentLoop.class);
    private static final Duration POLL = Duration.ofMillis(20);

    private record Pending(TopicPartition tp, long offset, LlmAssignment assignment, PartitionProgress progress) {
    }

    private record Finished(Pending pending, RunReport report, Throwable error) {
    }

    /** An output record; {@code source} and {@code offset} name the assignment it answers (null, -1 for health). */
    private record Out(TopicPartition source, long offset, ProducerRecord<String, byte[]> record) {
    }

    private final Catalog catalog;
    private final TopicsConfig topics;
    private final WorkerConfig config;
    private final PriorityBands bands;
    private final RunContext ctx;
    private final HealthReporter health;
    private final Clock clock;
    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final boolean transactional;
    private final int bandCap;
    private final Map<TopicPartition, PartitionProgress> progress = new HashMap<>();
    private final Map<TopicPartition, Map<Long, RequestRun>> running = new HashMap<>();
    private final BandedBacklog<Pending> backlog;
    private final ConcurrentLinkedQueue<Finished> finished = new ConcurrentLinkedQueue<>();
    private final List<Out> outbox = new ArrayList<>();
    private final Set<TopicPartition> paused = new HashSet<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final io.llmpipeline.worker.batch.CancelledBatches cancelledBatches;
    private volatile boolean stopping;
    private volatile boolean fatal;
    private volatile int backlogSize;
    private volatile int outboxSize;
    private long lastCommitMs;
    private long nextHealthMs;

    public AssignmentLoop(Catalog catalog, String bootstrapServers, String workerId, RunContext ctx,
                          HealthReporter health, Map<String, Object> overrides) {
        this.catalog = catalog;
        this.topics = catalog.topics();
        this.config = catalog.config().worker();
        this.bands = catalog.bands();
        this.ctx = ctx;
        this.health = health;
        this.clock = ctx.clock();
        this.transactional = config.transactional();
        this.bandCap = Math.max(64, config.maxInFlight() / 2);
        this.backlog = new BandedBacklog<>(clock, config.priorityAgingMs());

        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "worker-" + workerId);
        // Static membership: a worker restarted under the same id takes its partitions back at once,
        // instead of them idling until the dead process's session times out.
        c.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, workerId);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        overrides.forEach((k, v) -> {
            if (k.startsWith("consumer.")) {
                c.put(k.substring("consumer.".length()), v);
            }
        });
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "worker-" + workerId);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // One request in flight: on a freshly created topic a NOT_LEADER answer to the first batch made the
        // batches queued behind it fail as out of order, which a transactional producer cannot recover from.
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        if (transactional) {
            // Stable per worker id: a restarted worker fences its predecessor and aborts its open transaction.
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.groupId() + "." + workerId);
            p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 30_000);
        }
        overrides.forEach((k, v) -> {
            if (k.startsWith("producer.")) {
                p.put(k.substring("producer.".length()), v);
            }
        });
        this.cancelledBatches = io.llmpipeline.worker.batch.CancelledBatches.watch(bootstrapServers, topics.batches());
        this.consumer = new KafkaConsumer<>(c);
        this.producer = new KafkaProducer<>(p);
        if (transactional) {
            producer.initTransactions();
        }
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(topics.assigned()), new Rebalance());
            lastCommitMs = clock.millis();
            nextHealthMs = clock.millis() + config.healthIntervalMs();
            long graceEnd = Long.MAX_VALUE;
            while (!fatal) {
                ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
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
                flowControl();
                backlogSize = backlog.size();
                outboxSize = outbox.size();
                if (stopping) {
                    if (graceEnd == Long.MAX_VALUE) {
                        graceEnd = now + config.shutdownGraceMs();
                    }
                    if (runningCount() == 0 || now >= graceEnd) {
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
        } catch (RuntimeException e) {
            LOG.error("worker loop failed", e);
        } finally {
            abandonAll();
            closeQuietly();
            stopped.countDown();
        }
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

    private int runningCount() {
        int n = 0;
        for (Map<Long, RequestRun> runs : running.values()) {
            n += runs.size();
        }
        return n;
    }

    private void take(ConsumerRecords<String, byte[]> records) {
        for (ConsumerRecord<String, byte[]> record : records) {
            TopicPartition tp = new TopicPartition(record.topic(), record.partition());
            PartitionProgress p = progress.computeIfAbsent(tp, k -> PartitionProgress.restore(null));
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
                deadLetter(record, tp, e.getMessage(), e);
                p.finished(record.offset());
                continue;
            }
            Priority band = record.partition() < bands.totalPartitions() ? bands.priorityOf(record.partition())
                    : assignment.getRequest().getPriority();
            backlog.add(band, new Pending(tp, record.offset(), assignment, p));
        }
    }

    private void deadLetter(ConsumerRecord<String, byte[]> record, TopicPartition tp, String reason, Exception e) {
        Map<String, String> headers = new HashMap<>();
        for (Header h : record.headers()) {
            headers.put(h.key(), h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
        }
        DlqEnvelope envelope = DlqEnvelope.newBuilder()
                .setSourceTopic(record.topic())
                .setSourcePartition(record.partition())
                .setSourceOffset(record.offset())
                .setKey(record.key() == null ? null : java.nio.ByteBuffer.wrap(record.key().getBytes(StandardCharsets.UTF_8)))
                .setValue(record.value() == null ? null : java.nio.ByteBuffer.wrap(record.value()))
                .setReason(reason)
                .setErrorClass(e == null ? null : e.getClass().getName())
                .setStage("worker")
                .setHeaders(headers)
                .setAtMs(clock.millis())
                .build();
        outbox.add(new Out(tp, record.offset(), new ProducerRecord<>(topics.dlq(), record.key(), Codecs.DLQ.encode(envelope))));
        ctx.metrics().deadLettered();
        LOG.warn("dead-lettered {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), reason);
    }

    private void startRuns() {
        while (ctx.metrics().requestsInFlight() < config.maxInFlight()) {
            Pending pending = backlog.poll();
            if (pending == null) {
                return;
            }
            RequestRun run = new RequestRun(pending.assignment(), ctx);
            running.computeIfAbsent(pending.tp(), k -> new HashMap<>()).put(pending.offset(), run);
            ctx.metrics().requestStarted();
            String refusal = cancelledBatches.refusal(pending.assignment().getRequest());
            (refusal == null ? run.start() : run.refuse(io.llmpipeline.schemas.ErrorKind.CANCELLED, refusal))
                    .whenComplete((report, error) -> finished.add(new Finished(pending, report, error)));
        }
    }

    private void drainFinished() {
        for (Finished f; (f = finished.poll()) != null; ) {
            Pending p = f.pending();
            Map<Long, RequestRun> runs = running.get(p.tp());
            if (runs != null) {
                runs.remove(p.offset());
            }
            if (p.progress().revoked() || f.error() instanceof CancellationException) {
                ctx.metrics().requestAbandoned();
                continue;
            }
            if (f.error() != null) {
                ctx.metrics().requestAbandoned();
                LOG.error("run of {} failed unexpectedly", p.assignment().getRequest().getRequestId(), f.error());
                ConsumerRecord<String, byte[]> source = new ConsumerRecord<>(p.tp().topic(), p.tp().partition(), p.offset(),
                        p.assignment().getRequest().getRequestId(), Codecs.ASSIGNMENT.encode(p.assignment()));
                deadLetter(source, p.tp(), "worker failed on this assignment: " + f.error(), null);
                p.progress().finished(p.offset());
                continue;
            }
            RunReport report = f.report();
            String key = p.assignment().getRequest().getRequestId();
            for (InvocationEvent event : report.events()) {
                outbox.add(new Out(p.tp(), p.offset(), new ProducerRecord<>(topics.invocations(), key, Codecs.INVOCATION.encode(event))));
            }
            if (report.result() != null) {
                outbox.add(new Out(p.tp(), p.offset(), new ProducerRecord<>(topics.results(), key, Codecs.RESULT.encode(report.result()))));
            }
            ctx.metrics().requestEnded(report.result() == null || report.result().getError() == null,
                    report.result() == null);
            p.progress().finished(p.offset());
        }
    }

    private void commit() {
        lastCommitMs = clock.millis();
        for (ProviderHealth h : health.drain()) {
            outbox.add(new Out(null, -1, new ProducerRecord<>(topics.providerHealth(), h.getProvider() + "/" + h.getModel(),
                    Codecs.HEALTH.encode(h))));
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        progress.forEach((tp, p) -> {
            OffsetAndMetadata next = p.toCommit();
            if (next != null) {
                offsets.put(tp, next);
            }
        });
        // Output goes out with the offset commit that marks its record finished, never before it.
        List<Out> sending = new ArrayList<>();
        List<Out> held = new ArrayList<>();
        for (Out out : outbox) {
            PartitionProgress p = out.source() == null ? null : progress.get(out.source());
            (p == null || p.covers(out.offset()) ? sending : held).add(out);
        }
        if (sending.isEmpty() && offsets.isEmpty()) {
            return;
        }
        try {
            if (transactional) {
                producer.beginTransaction();
                for (Out out : sending) {
                    producer.send(out.record());
                }
                if (!offsets.isEmpty()) {
                    producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                }
                producer.commitTransaction();
            } else {
                for (Out out : sending) {
                    producer.send(out.record());
                }
                producer.flush();
                if (!offsets.isEmpty()) {
                    consumer.commitSync(offsets);
                }
            }
            outbox.clear();
            outbox.addAll(held);
            offsets.keySet().forEach(tp -> {
                PartitionProgress p = progress.get(tp);
                if (p != null) {
                    p.committed();
                }
            });
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException
                 | FencedInstanceIdException e) {
            LOG.error("worker fenced or not authorised; stopping without committing", e);
            fatal = true;
        } catch (KafkaException e) {
            LOG.warn("commit failed ({}); the output is kept and sent again with the next commit", e.toString());
            if (transactional) {
                try {
                    producer.abortTransaction();
                } catch (KafkaException abort) {
                    LOG.error("cannot abort the transaction; stopping", abort);
                    fatal = true;
                }
            }
        }
    }

    private void flowControl() {
        Set<TopicPartition> assigned = consumer.assignment();
        List<TopicPartition> pause = new ArrayList<>();
        List<TopicPartition> resume = new ArrayList<>();
        for (TopicPartition tp : assigned) {
            int band = backlog.size(bandOf(tp));
            boolean isPaused = paused.contains(tp);
            if (!isPaused && (stopping || band >= bandCap)) {
                pause.add(tp);
            } else if (isPaused && !stopping && band < bandCap / 2) {
                resume.add(tp);
            }
        }
        if (!pause.isEmpty()) {
            consumer.pause(pause);
            paused.addAll(pause);
        }
        if (!resume.isEmpty()) {
            consumer.resume(resume);
            resume.forEach(paused::remove);
        }
    }

    private Priority bandOf(TopicPartition tp) {
        return tp.partition() < bands.totalPartitions() ? bands.priorityOf(tp.partition()) : Priority.NORMAL;
    }

    private void forget(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            PartitionProgress p = progress.remove(tp);
            if (p != null) {
                p.revoke();
            }
            Map<Long, RequestRun> runs = running.remove(tp);
            if (runs != null) {
                runs.values().forEach(RequestRun::cancel);
            }
            backlog.removeIf(pending -> pending.tp().equals(tp));
            outbox.removeIf(out -> tp.equals(out.source()));
            paused.remove(tp);
        }
    }

    private void abandonAll() {
        for (Map<Long, RequestRun> runs : running.values()) {
            runs.values().forEach(RequestRun::cancel);
        }
        backlog.removeIf(p -> true);
        backlogSize = 0;
    }

    private void closeQuietly() {
        cancelledBatches.close();
        try {
            // a static member must say it leaves, or its partitions idle until its session times out
            consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(5)));
        } catch (RuntimeException e) {
            LOG.warn("closing the consumer: {}", e.toString());
        }
        try {
            producer.close(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            LOG.warn("closing the producer: {}", e.toString());
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            drainFinished();
            commit();
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            // the committed position and the bitmap of records the previous owner finished beyond it
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
            for (TopicPartition tp : partitions) {
                progress.put(tp, PartitionProgress.restore(committed.get(tp)));
            }
        }
    }
}
