package io.llmpipeline.router.internals.budget;

import java.time.Clock;
import java.time.Duration;

import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import io.llmpipeline.catalog.BudgetsConfig;
import io.llmpipeline.router.internals.Step;

/** Takes a ledger owner's answer (grant, refusal, recall) into this task's leases and decides the requests waiting for it. */
public final class LeaseNotices extends ContextualProcessor<String, HolderNotice, String, Step<BudgetFlow>> {
    private final LeaseHolder holder;

    /** @param useReportWindow how long admitted uses wait to be reported to their owners together (see {@link LeaseHolder}) */
    public LeaseNotices(BudgetsConfig config, Clock clock, Duration useReportWindow) {
        this.holder = new LeaseHolder(config, clock, useReportWindow);
    }

    @Override
    public void init(ProcessorContext<String, Step<BudgetFlow>> context) {
        super.init(context);
        holder.init(context);
    }

    @Override
    public void process(Record<String, HolderNotice> record) {
        holder.notice(record.value());
    }
}
