package io.llmpipeline.router.internals.budget;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StreamPartitioner;

import io.llmpipeline.schemas.InvocationEvent;

/**
 * Invocation events travel to the ledgers that book them over one repartition topic for both
 * stages: each event once per stage in use, keyed "STAGE|owner". The topic is partitioned by the
 * owner alone, exactly as the stage's ledger topic is (Kafka's murmur2 of the owner's bytes), so a
 * usage record lands in the task that holds that owner's ledgers and reservations.
 */
public final class BudgetUsage implements StreamPartitioner<String, InvocationEvent> {
    private static final char SEPARATOR = '|';
    private final List<BudgetStage> stages;

    /** @param stages the stages some budget uses; an event goes to each */
    public BudgetUsage(List<BudgetStage> stages) {
        this.stages = List.copyOf(stages);
    }

    public List<KeyValue<String, InvocationEvent>> route(InvocationEvent e) {
        List<KeyValue<String, InvocationEvent>> out = new ArrayList<>(stages.size());
        for (BudgetStage stage : stages) {
            out.add(KeyValue.pair(stage.name() + SEPARATOR + stage.partitionKey(e.getTenantId(), e.getProvider()), e));
        }
        return out;
    }

    public static boolean isFor(BudgetStage stage, String usageKey) {
        return usageKey.length() > stage.name().length() && usageKey.startsWith(stage.name())
                && usageKey.charAt(stage.name().length()) == SEPARATOR;
    }

    static String ownerOf(String usageKey) {
        return usageKey.substring(usageKey.indexOf(SEPARATOR) + 1);
    }

    @Override
    public Optional<Set<Integer>> partitions(String topic, String key, InvocationEvent value, int numPartitions) {
        byte[] owner = ownerOf(key).getBytes(StandardCharsets.UTF_8);
        return Optional.of(Set.of(Utils.toPositive(Utils.murmur2(owner)) % numPartitions));
    }
}
