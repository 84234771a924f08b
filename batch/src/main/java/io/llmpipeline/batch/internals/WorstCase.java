package io.llmpipeline.batch.internals;

import java.util.List;

import io.llmpipeline.batch.SubmitOptions;
import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.CostCalculator;
import io.llmpipeline.catalog.ModelConfig;
import io.llmpipeline.catalog.TokenCounter;

/**
 * The most a line can cost: over every model that may answer it (the pin, or every candidate of its
 * route, since the worker may fail over along them), its input tokens at the full input price plus
 * max_tokens (or the model's max output) at the output price: the router's own reservation rule.
 */
public final class WorstCase {
    private WorstCase() {
    }

    public static long micros(Catalog catalog, SubmitOptions options, ParsedLine.Valid line) {
        List<String> models = options.taskType() == null && line.model() != null
                ? List.of(line.model())
                : catalog.routeFor(options.effectiveTaskType()).map(r -> r.candidates()).orElse(List.of());
        long worst = 0;
        for (String name : models) {
            ModelConfig model = catalog.model(name).orElse(null);
            if (model == null) {
                continue;
            }
            int input = TokenCounter.count(model.tokenizer(), line.messages());
            Integer maxTokens = line.params().getMaxTokens();
            int output = maxTokens == null ? model.maxOutputTokens() : maxTokens;
            worst = Math.max(worst, CostCalculator.worstCaseMicros(model.price(), input, output));
        }
        return worst;
    }
}
