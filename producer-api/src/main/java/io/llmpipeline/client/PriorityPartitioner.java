package io.llmpipeline.client;

import java.util.EnumMap;
import java.util.Map;

import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.config.ConfigException;

import io.llmpipeline.catalog.PriorityBands;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.Priority;

/**
 * Puts each request in its priority's band of partitions, spread within the band by key. Usable
 * by any producer of {@link LlmRequest} values: set {@code partitioner.class} to this class and
 * {@link #BANDS_CONFIG} to the bands, e.g. {@code CRITICAL:2,HIGH:2,NORMAL:4,LOW:2,BULK:2}.
 */
public final class PriorityPartitioner implements Partitioner {
    public static final String BANDS_CONFIG = "llm.priority.bands";

    private PriorityBands bands;

    @Override
    public void configure(Map<String, ?> configs) {
        Object value = configs.get(BANDS_CONFIG);
        if (value == null) {
            throw new ConfigException(BANDS_CONFIG, null, "required: partitions per priority, e.g. CRITICAL:2,HIGH:2,NORMAL:4,LOW:2,BULK:2");
        }
        bands = PriorityBands.of(parse(value.toString()));
    }

    public static String format(Map<Priority, Integer> bands) {
        StringBuilder out = new StringBuilder();
        for (Priority priority : Priority.values()) {
            if (!out.isEmpty()) {
                out.append(',');
            }
            out.append(priority).append(':').append(bands.getOrDefault(priority, 0));
        }
        return out.toString();
    }

    static Map<Priority, Integer> parse(String text) {
        Map<Priority, Integer> bands = new EnumMap<>(Priority.class);
        for (String entry : text.split(",")) {
            String[] parts = entry.strip().split(":");
            try {
                bands.put(Priority.valueOf(parts[0].strip().toUpperCase()), Integer.parseInt(parts[1].strip()));
            } catch (RuntimeException e) {
                throw new ConfigException(BANDS_CONFIG, text, "expected PRIORITY:partitions pairs separated by commas, bad entry '" + entry + "'");
            }
        }
        return bands;
    }

    @Override
    public int partition(String topic, Object key, byte[] keyBytes, Object value, byte[] valueBytes, Cluster cluster) {
        if (!(value instanceof LlmRequest request)) {
            throw new IllegalArgumentException("PriorityPartitioner partitions LlmRequest values, got "
                    + (value == null ? "null" : value.getClass().getName()));
        }
        int available = cluster.partitionCountForTopic(topic) == null ? bands.totalPartitions() : cluster.partitionCountForTopic(topic);
        if (available < bands.totalPartitions()) {
            throw new IllegalStateException("topic " + topic + " has " + available + " partitions but the priority bands need "
                    + bands.totalPartitions());
        }
        return bands.partitionFor(request.getPriority(), key == null ? request.getRequestId() : key.toString());
    }

    @Override
    public void close() {
        // nothing held
    }
}
