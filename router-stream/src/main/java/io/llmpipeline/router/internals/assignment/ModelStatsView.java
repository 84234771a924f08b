package io.llmpipeline.router.internals.assignment;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * A model's statistics as model assignment sees them: the partials every invocation partition
 * publishes ({@link ModelStatsAggregation}), merged. A merge is kept for a second, the interval at
 * which partials are published, so ranking a candidate costs a map lookup rather than a store scan
 * and a decode per request.
 */
public final class ModelStatsView {
    /** Separates the model from the partition number in the stats topic's keys ("provider/model@p3"). */
    static final String PARTIAL = "@p";
    private static final long KEEP_MS = 1_000;
    private static final StringSerializer KEYS = new StringSerializer();

    private final ReadOnlyKeyValueStore<String, ValueAndTimestamp<ModelStats>> partials;
    private final Map<String, Merged> merged = new HashMap<>();

    private record Merged(ModelStats stats, long atMs) {
    }

    public ModelStatsView(ReadOnlyKeyValueStore<String, ValueAndTimestamp<ModelStats>> partials) {
        this.partials = partials;
    }

    /** The model's merged statistics, or {@link ModelStats#empty()} when no partition has seen it. */
    public ModelStats of(String modelKey, long now) {
        Merged m = merged.get(modelKey);
        if (m == null || now - m.atMs() >= KEEP_MS || now < m.atMs()) {
            m = new Merged(mergeOf(modelKey), now);
            merged.put(modelKey, m);
        }
        return m.stats();
    }

    private ModelStats mergeOf(String modelKey) {
        List<ModelStats> found = new ArrayList<>();
        try (KeyValueIterator<String, ValueAndTimestamp<ModelStats>> it = partials.prefixScan(modelKey + PARTIAL, KEYS)) {
            while (it.hasNext()) {
                var entry = it.next();
                ValueAndTimestamp<ModelStats> v = entry.value;
                // a model whose own name goes on with "@p..." shares the prefix; its keys do not end in digits only
                if (v != null && v.value() != null && isPartitionNumber(entry.key.substring(modelKey.length() + PARTIAL.length()))) {
                    found.add(v.value());
                }
            }
        }
        return found.isEmpty() ? ModelStats.empty() : ModelStats.merge(found);
    }

    private static boolean isPartitionNumber(String s) {
        return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
    }
}
