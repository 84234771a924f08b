package io.llmpipeline.worker.loop;

import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.llmpipeline.catalog.ModelKey;
import io.llmpipeline.catalog.PriorityBands;
import io.llmpipeline.catalog.TopicsConfig;
import io.llmpipeline.schemas.AttemptJournalEntry;
import io.llmpipeline.schemas.Codecs;
import io.llmpipeline.schemas.InvocationEvent;
import io.llmpipeline.schemas.LlmAssignment;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.ProviderHealth;
import io.llmpipeline.schemas.ResultReadBack;
import io.llmpipeline.worker.metrics.WorkerMetrics;
import io.llmpipeline.worker.run.Readmission;
import io.llmpipeline.worker.run.RunContext;
import io.llmpipeline.worker.run.RunReport;

/**
 * What the worker writes, each record to its topic and under its key, into the outbox with the
 * assignment offset it belongs to (so it is committed with that offset or not at all).
 */
final class OutputRecords {
    private static final Logger LOG = LoggerFactory.getLogger(OutputRecords.class);

    private final TopicsConfig topics;
    private final PriorityBands bands;
    private final RunContext ctx;
    private final WorkerMetrics metrics;
    private final DeadLetters deadLetters;
    /** The current clients' outbox (a client restart replaces it). */
    private final Supplier<Outbox> outbox;

    OutputRecords(TopicsConfig topics, PriorityBands bands, RunContext ctx, Clock clock, Supplier<Outbox> outbox) {
        this.topics = topics;
        this.bands = bands;
        this.ctx = ctx;
        this.metrics = ctx.metrics();
        this.deadLetters = new DeadLetters(topics.dlq(), clock);
        this.outbox = outbox;
    }

    /** A run's invocation events and its result, if it has one. */
    void ran(Pending p, RunReport report) {
        for (InvocationEvent event : report.events()) {
            outbox.get().add(p.tp(), p.offset(), new ProducerRecord<>(topics.invocations(), p.requestId(),
                    Codecs.INVOCATION.encode(event)));
        }
        if (report.result() != null) {
            ProducerRecord<String, byte[]> result = new ProducerRecord<>(topics.results(), p.requestId(),
                    Codecs.RESULT.encode(report.result()));
            // the router reads the results topic back for its cache and idempotency fills; the rest it skips undecoded
            ResultReadBack.markUnwanted(report.result(), result.headers());
            outbox.get().add(p.tp(), p.offset(), result);
        }
    }

    /**
     * Records the earlier owners' calls and sends the request back to the router for a reservation
     * of its own, in the same transaction as the offset that marks its assignment done.
     */
    void readmit(TopicPartition tp, long offset, LlmAssignment assignment, List<AttemptJournalEntry> earlier) {
        String requestId = assignment.getRequest().getRequestId();
        for (InvocationEvent event : Readmission.events(assignment, earlier, ctx)) {
            outbox.get().add(tp, offset, new ProducerRecord<>(topics.invocations(), requestId, Codecs.INVOCATION.encode(event)));
        }
        LlmRequest again = Readmission.request(assignment, earlier);
        outbox.get().add(tp, offset, new ProducerRecord<>(topics.requests(), bands.partitionFor(again.getPriority(), requestId),
                requestId, Codecs.REQUEST.encode(again)));
        metrics.readmitted();
        LOG.info("{}: {} call(s) of an earlier owner may have been billed; recorded, and the request goes back to the router",
                requestId, earlier.size());
    }

    void deadLetter(ConsumerRecord<String, byte[]> record, TopicPartition tp, String reason, Throwable error) {
        outbox.get().add(tp, record.offset(), deadLetters.of(record, reason, error));
        metrics.deadLettered();
        LOG.warn("dead-lettered {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), reason);
    }

    /** Provider health belongs to no assignment: it goes with whichever commit comes next. */
    void health(ProviderHealth h) {
        outbox.get().add(new ProducerRecord<>(topics.providerHealth(), ModelKey.of(h.getProvider(), h.getModel()),
                Codecs.HEALTH.encode(h)));
    }
}
