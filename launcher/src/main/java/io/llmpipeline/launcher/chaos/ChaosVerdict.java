package io.llmpipeline.launcher.chaos;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;


import io.llmpipeline.catalog.BudgetLimit;
import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.CostCalculator;
import io.llmpipeline.launcher.TopicReader;
import io.llmpipeline.schemas.Codecs;
import io.llmpipeline.schemas.InvocationEvent;
import io.llmpipeline.sim.SimStats;

/**
 * The figures of a chaos run, from what a user can see: results and invocation events read with
 * read_committed, and the simulator's own count of the calls it answered (what a provider bills).
 *
 * @param unloggedBilled   calls the provider answered 200 beyond the billed invocation events
 * @param overspendMicros  what the provider billed the budgeted tenant's model beyond its limit
 *                         (the provider's sum rounded up once; the pipeline rounds each call half-up)
 * @param faultGapsMs      per fault, the longest silence in results that overlaps the fault and its recovery
 */
public record ChaosVerdict(long requests, long unsent, long lost, long duplicated, long providerCalls, long billedEvents,
                    long duplicateEventIds, long unloggedBilled, long overspendMicros, long maxGapMs,
                    List<String> faults, List<Long> faultGapsMs) {

    static ChaosVerdict judge(ChaosLoad load, ResultWatch watch, String bootstrapServers, Catalog catalog, SimStats stats,
                              String budgetedModel, List<Fault> faults, List<Long> faultTimesMs) {
        long lost = 0;
        long duplicated = 0;
        for (String id : load.acknowledged()) {
            int results = watch.resultsFor(id);
            if (results == 0) {
                lost++;
            } else {
                duplicated += results - 1;
            }
        }
        long billed = 0;
        long events = 0;
        Set<String> eventIds = new HashSet<>();
        for (InvocationEvent event : TopicReader.readAll(bootstrapServers, catalog.topics().invocations(), Codecs.INVOCATION::decode)) {
            events++;
            eventIds.add(event.getEventId());
            if (event.getBilled()) {
                billed++;
            }
        }
        long providerCalls = stats.billedCalls();
        var model = catalog.requireModel(budgetedModel);
        var modelStats = stats.model(model.providerModel());
        // the sum of every billed call's tokens, priced once and rounded up: the provider's side of the ledger
        long providerBilledMicros = CostCalculator.worstCaseMicros(model.price(),
                Math.toIntExact(modelStats.billedPromptTokens()), Math.toIntExact(modelStats.billedCompletionTokens()));
        long limitMicros = catalog.config().budgets().limits().stream()
                .filter(l -> ChaosLoad.BUDGETED_TENANT.equals(l.key())).mapToLong(BudgetLimit::limitMicros).findFirst()
                .orElseThrow();
        List<Long> arrivals = new ArrayList<>(watch.arrivalsMs());
        arrivals.sort(null);
        List<Long> faultGaps = new ArrayList<>();
        for (int i = 0; i < faultTimesMs.size(); i++) {
            long until = i + 1 < faultTimesMs.size() ? faultTimesMs.get(i + 1) : Long.MAX_VALUE;
            faultGaps.add(ResultGaps.longestOverlappingMs(arrivals, faultTimesMs.get(i), until));
        }
        return new ChaosVerdict(load.acknowledged().size(), load.unsent(), lost, duplicated, providerCalls, billed,
                events - eventIds.size(), Math.max(0, providerCalls - billed), Math.max(0, providerBilledMicros - limitMicros),
                ResultGaps.longestMs(arrivals), faults.stream().map(Fault::label).toList(), List.copyOf(faultGaps));
    }

    /** Nothing lost, duplicated, billed without a record or spent beyond the limit. */
    public boolean held() {
        return lost == 0 && duplicated == 0 && unloggedBilled == 0 && overspendMicros == 0 && duplicateEventIds == 0;
    }

    public void print(PrintStream out) {
        for (int i = 0; i < faultGapsMs.size(); i++) {
            out.printf(Locale.ROOT, "after %s: longest gap in results %.1f s%n", faults.get(i), faultGapsMs.get(i) / 1000.0);
        }
        if (unsent > 0) {
            out.printf(Locale.ROOT, "%d requests were never acknowledged by Kafka (not counted as sent)%n", unsent);
        }
        if (duplicateEventIds > 0) {
            out.printf(Locale.ROOT, "%d invocation events share an event_id with another%n", duplicateEventIds);
        }
        out.printf(Locale.ROOT, "chaos: requests=%d lost=%d duplicated=%d provider_calls=%d billed_events=%d unlogged_billed=%d "
                        + "overspend_micros=%d max_gap_s=%.1f%n",
                requests, lost, duplicated, providerCalls, billedEvents, unloggedBilled, overspendMicros, maxGapMs / 1000.0);
    }
}
