package io.llmpipeline.worker.loop;

import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

import org.apache.kafka.common.TopicPartition;

import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.worker.batch.CancelledBatches;
import io.llmpipeline.worker.metrics.WorkerMetrics;
import io.llmpipeline.worker.run.RequestRun;
import io.llmpipeline.worker.run.RunContext;
import io.llmpipeline.worker.run.RunHooks;
import io.llmpipeline.worker.run.RunReport;

/**
 * The runs this worker has started and not yet drained, by partition and offset. Its count is the
 * one the loop starts work by and waits for at shutdown.
 */
final class InFlightRuns {
    /** A run that ended: its report, or why it has none (cancelled, or a bug). */
    record Finished(Pending pending, RunReport report, Throwable error) {
    }

    private final RunContext ctx;
    private final CancelledBatches cancelledBatches;
    private final JournalWriter journal;
    private final WorkerMetrics metrics;
    private final Queue<Finished> finished;
    private final Map<TopicPartition, Map<Long, RequestRun>> byPartition = new HashMap<>();
    private int count;

    /** @param finished where ended runs are queued, from whatever thread ends them */
    InFlightRuns(RunContext ctx, CancelledBatches cancelledBatches, JournalWriter journal, Queue<Finished> finished) {
        this.ctx = ctx;
        this.cancelledBatches = cancelledBatches;
        this.journal = journal;
        this.metrics = ctx.metrics();
        this.finished = finished;
    }

    /** Starts the run of one assignment; a request of a cancelled batch ends before its next call. */
    void start(Pending pending) {
        LlmRequest request = pending.assignment().getRequest();
        RequestRun run = new RequestRun(pending.assignment(), ctx,
                new RunHooks(() -> cancelledBatches.refusal(request), journal.forRun(pending), pending.earlier()));
        byPartition.computeIfAbsent(pending.tp(), k -> new HashMap<>()).put(pending.offset(), run);
        count++;
        metrics.requestStarted();
        run.start().whenComplete((report, error) -> finished.add(new Finished(pending, report, error)));
    }

    /** A finished run was taken off the queue. */
    void drained(Pending pending) {
        Map<Long, RequestRun> runs = byPartition.get(pending.tp());
        if (runs != null) {
            runs.remove(pending.offset());
        }
        count--;
    }

    /** Runs started and not drained, cancelled ones included until they are drained. */
    int count() {
        return count;
    }

    /** The partition moved away: its runs stop sending and reporting. */
    void cancel(TopicPartition tp) {
        Map<Long, RequestRun> runs = byPartition.remove(tp);
        if (runs != null) {
            runs.values().forEach(RequestRun::cancel);
        }
    }

    void cancelAll() {
        byPartition.values().forEach(runs -> runs.values().forEach(RequestRun::cancel));
    }
}
