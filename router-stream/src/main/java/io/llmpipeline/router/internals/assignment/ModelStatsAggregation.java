package io.llmpipeline.router.internals.assignment;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import io.llmpipeline.catalog.ModelKey;
import io.llmpipeline.schemas.InvocationEvent;

/**
 * Folds the invocation events of one partition of the invocation topic into per-model
 * {@link ModelStats}, and publishes each changed model's partial statistics once a second to the
 * stats topic under "provider/model@partition". Every router instance reads that topic whole as a
 * global table and merges a model's partials when it ranks candidates ({@link ModelStatsView}), so
 * the events are never repartitioned by model: no extra hop, no second copy of every event.
 */
public final class ModelStatsAggregation extends ContextualProcessor<String, InvocationEvent, String, ModelStats> {
    public static final String STORE = "model-stats-aggregate";
    private final Set<String> dirty = new LinkedHashSet<>();
    private KeyValueStore<String, ModelStats> stats;
    private String partitionSuffix;

    @Override
    public void init(ProcessorContext<String, ModelStats> context) {
        super.init(context);
        stats = context.getStateStore(STORE);
        partitionSuffix = ModelStatsView.PARTIAL + context.taskId().partition();
        context.schedule(Duration.ofSeconds(1), PunctuationType.WALL_CLOCK_TIME, this::publish);
    }

    @Override
    public void process(Record<String, InvocationEvent> record) {
        InvocationEvent e = record.value();
        String model = ModelKey.of(e.getProvider(), e.getModel());
        ModelStats current = stats.get(model);
        stats.put(model, (current == null ? ModelStats.empty() : current).observe(e, e.getPromptChars()));
        dirty.add(model);
    }

    private void publish(long now) {
        for (String model : dirty) {
            ModelStats s = stats.get(model);
            if (s != null) {
                context().forward(new Record<>(model + partitionSuffix, s, now));
            }
        }
        dirty.clear();
    }
}
