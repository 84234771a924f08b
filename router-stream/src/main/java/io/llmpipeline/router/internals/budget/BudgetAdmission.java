package io.llmpipeline.router.internals.budget;

import java.time.Clock;
import java.time.Duration;

import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import io.llmpipeline.catalog.BudgetsConfig;
import io.llmpipeline.router.internals.Step;

/**
 * Admits an assigned request against the budget leases this task holds (see {@link LeaseHolder}),
 * in the task that assigned it: no repartition on the request's path. The owners' grants, refusals
 * and recalls come in here too, so one {@link LeaseHolder} per task keeps the leases.
 */
public final class BudgetAdmission extends ContextualProcessor<String, AdmissionInput, String, Step<BudgetFlow>> {
    private final LeaseHolder holder;

    public BudgetAdmission(BudgetsConfig config, Clock clock) {
        this.holder = new LeaseHolder(config, clock);
    }

    @Override
    public void init(ProcessorContext<String, Step<BudgetFlow>> context) {
        super.init(context);
        holder.init(context);
        context.schedule(Duration.ofSeconds(1), PunctuationType.WALL_CLOCK_TIME, t -> holder.sweep());
    }

    @Override
    public void process(Record<String, AdmissionInput> record) {
        switch (record.value()) {
            case AdmissionInput.Assigned a -> holder.offer(a.assignment());
            case AdmissionInput.Notice n -> holder.notice(n.notice());
        }
    }
}
