package io.llmpipeline.router.internals.assignment;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import io.llmpipeline.schemas.InvocationEvent;

/**
 * Folds invocation events (partitioned by "provider/model") into {@link ModelStats}, and publishes
 * each changed model's statistics once a second to the stats topic, which every router instance
 * reads whole as a global table for model assignment.
 */
public final class ModelStatsAggregation extends ContextualProcessor<String, InvocationEvent, String, ModelStats> {
    public static final String STORE = "model-stats-aggregate";
    private final Set<String> dirty = new LinkedHashSet<>();
    private KeyValueStore<String, ModelStats> stats;

    @Override
    public void init(ProcessorContext<String, ModelStats> context) {
        super.init(context);
        stats = context.getStateStore(STORE);
        context.schedule(Duration.ofSeconds(1), PunctuationType.WALL_CLOCK_TIME, this::publish);
    }

    @Override
    public void process(Record<String, InvocationEvent> record) {
        ModelStats current = stats.get(record.key());
        InvocationEvent e = record.value();
        stats.put(record.key(), (current == null ? ModelStats.empty() : current).observe(e, e.getPromptChars()));
        dirty.add(record.key());
    }

    private void publish(long now) {
        for (String key : dirty) {
            ModelStats s = stats.get(key);
            if (s != null) {
                context().forward(new Record<>(key, s, now));
            }
        }
        dirty.clear();
    }
}
