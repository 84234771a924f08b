package io.llmpipeline.catalog;

import java.util.LinkedHashMap;
import java.util.Map;

import io.llmpipeline.schemas.Priority;
import io.llmpipeline.schemas.Topics;

/**
 * Topic names and sizes.
 *
 * @param requests          incoming requests (priority-banded)
 * @param assigned          requests with an assigned model (same bands as requests)
 * @param results           one terminal result per request
 * @param invocations       one event per attempt
 * @param providerHealth    compacted provider/model health
 * @param budgetAlerts      budget threshold crossings
 * @param dlq               undecodable or poison records
 * @param bands             partitions per priority on the banded topics; every priority needs at least 1
 * @param partitions        partitions of the unbanded topics (results, invocations, alerts, dlq)
 * @param replicationFactor replication factor for topics the pipeline creates
 * @param batches           compacted: the state of every batch job, written by the batch tracker
 * @param batchEvents       what submitters and cancels report about batches, read by the batch tracker
 */
public record TopicsConfig(
        String requests,
        String assigned,
        String results,
        String invocations,
        String providerHealth,
        String budgetAlerts,
        String dlq,
        Map<Priority, Integer> bands,
        Integer partitions,
        Short replicationFactor,
        String batches,
        String batchEvents) {

    public TopicsConfig {
        requests = requests == null ? Topics.REQUESTS : requests;
        assigned = assigned == null ? Topics.ASSIGNED : assigned;
        results = results == null ? Topics.RESULTS : results;
        invocations = invocations == null ? Topics.INVOCATIONS : invocations;
        providerHealth = providerHealth == null ? Topics.PROVIDER_HEALTH : providerHealth;
        budgetAlerts = budgetAlerts == null ? Topics.BUDGET_ALERTS : budgetAlerts;
        dlq = dlq == null ? Topics.DLQ : dlq;
        bands = bands == null ? defaultBands() : Map.copyOf(bands);
        partitions = partitions == null ? 6 : partitions;
        replicationFactor = replicationFactor == null ? 1 : replicationFactor;
        batches = batches == null ? Topics.BATCHES : batches;
        batchEvents = batchEvents == null ? Topics.BATCH_EVENTS : batchEvents;
    }

    /** Without the batch topics (their default names). */
    public TopicsConfig(String requests, String assigned, String results, String invocations, String providerHealth,
                        String budgetAlerts, String dlq, Map<Priority, Integer> bands, Integer partitions,
                        Short replicationFactor) {
        this(requests, assigned, results, invocations, providerHealth, budgetAlerts, dlq, bands, partitions,
                replicationFactor, null, null);
    }

    public static TopicsConfig defaults() {
        return new TopicsConfig(null, null, null, null, null, null, null, null, null, null, null, null);
    }

    private static Map<Priority, Integer> defaultBands() {
        Map<Priority, Integer> bands = new LinkedHashMap<>();
        bands.put(Priority.CRITICAL, 2);
        bands.put(Priority.HIGH, 2);
        bands.put(Priority.NORMAL, 4);
        bands.put(Priority.LOW, 2);
        bands.put(Priority.BULK, 2);
        return bands;
    }

    /**
     * The attempt journal: one record per call a worker is about to make, partitioned like
     * {@link #assigned()} (the same partition number), named after it so a name prefix carries over.
     */
    public String attemptJournal() {
        return assigned + ".journal";
    }

    public PriorityBands priorityBands() {
        return PriorityBands.of(bands);
    }
}
