package io.llmpipeline.catalog;

import java.util.EnumMap;
import java.util.Map;

import io.llmpipeline.schemas.Priority;

/**
 * Maps each priority to its own contiguous band of partitions, highest priority first:
 * with bands CRITICAL=2, HIGH=2, NORMAL=4 the CRITICAL band is partitions 0-1, HIGH 2-3, NORMAL 4-7.
 * Consumers can then pause low bands by partition while high bands wait.
 */
public final class PriorityBands {
    private final EnumMap<Priority, Integer> first = new EnumMap<>(Priority.class);
    private final EnumMap<Priority, Integer> size = new EnumMap<>(Priority.class);
    private final Priority[] byPartition;

    private PriorityBands(Map<Priority, Integer> bands) {
        int next = 0;
        for (Priority priority : Priority.values()) {
            int count = bands.getOrDefault(priority, 0);
            if (count < 1) {
                throw new IllegalArgumentException("priority " + priority + " needs at least one partition");
            }
            first.put(priority, next);
            size.put(priority, count);
            next += count;
        }
        byPartition = new Priority[next];
        for (Priority priority : Priority.values()) {
            for (int i = 0; i < size.get(priority); i++) {
                byPartition[first.get(priority) + i] = priority;
            }
        }
    }

    public static PriorityBands of(Map<Priority, Integer> bands) {
        return new PriorityBands(bands);
    }

    /**
     * Spreads {@code partitions} over the priorities: one each, NORMAL gets half of the rest and the
     * other bands share the remainder, so the busiest band has the most consumers.
     */
    public static Map<Priority, Integer> spread(int partitions) {
        Priority[] all = Priority.values();
        if (partitions < all.length) {
            throw new IllegalArgumentException("need at least " + all.length + " partitions, one per priority; got " + partitions);
        }
        Map<Priority, Integer> bands = new EnumMap<>(Priority.class);
        for (Priority priority : all) {
            bands.put(priority, 1);
        }
        int rest = partitions - all.length;
        int normalShare = rest / 2;
        bands.merge(Priority.NORMAL, normalShare, Integer::sum);
        rest -= normalShare;
        for (int i = 0; rest > 0; i = (i + 1) % all.length) {
            if (all[i] != Priority.NORMAL) {
                bands.merge(all[i], 1, Integer::sum);
                rest--;
            }
        }
        return bands;
    }

    public int totalPartitions() {
        return byPartition.length;
    }

    public int firstPartition(Priority priority) {
        return first.get(priority);
    }

    public int bandSize(Priority priority) {
        return size.get(priority);
    }

    /** The partition for a key hash within the priority's band. */
    public int partitionFor(Priority priority, int keyHash) {
        return first.get(priority) + Math.floorMod(keyHash, size.get(priority));
    }

    /** The partition for a record key within the priority's band, hashed as Kafka's default partitioner does. */
    public int partitionFor(Priority priority, String key) {
        byte[] bytes = key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return partitionFor(priority, org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(bytes)));
    }

    /** The priority whose band holds the partition. */
    public Priority priorityOf(int partition) {
        return byPartition[partition];
    }
}
