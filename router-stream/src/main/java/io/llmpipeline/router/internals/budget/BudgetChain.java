package io.llmpipeline.router.internals.budget;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.RouteConfig;
import io.llmpipeline.schemas.LlmAssignment;
import io.llmpipeline.schemas.ModelRef;

/**
 * The models an assignment may be billed on (its target and its fallback chain) and their providers
 * in chain order. The worker may fail over to any of them, so the budget is reserved on the ledgers
 * of every one: tenant/provider and model/provider scopes of each provider, not only the target's.
 */
public final class BudgetChain {
    private BudgetChain() {
    }

    public static List<ModelRef> models(LlmAssignment assignment) {
        List<ModelRef> out = new ArrayList<>(1 + assignment.getFallbackChain().size());
        out.add(assignment.getTarget());
        out.addAll(assignment.getFallbackChain());
        return out;
    }

    /** Distinct providers in chain order: the target's first. */
    public static List<String> providers(LlmAssignment assignment) {
        Set<String> out = new LinkedHashSet<>();
        models(assignment).forEach(m -> out.add(m.getProvider()));
        return List.copyOf(out);
    }

    static List<ModelRef> modelsOf(LlmAssignment assignment, String provider) {
        return models(assignment).stream().filter(m -> m.getProvider().equals(provider)).toList();
    }

    /**
     * The most providers any chain of this catalog can hold: the number of provider-stage hops the
     * topology needs. A pin or a shadow is a single model, so a route's candidates bound it.
     */
    public static int maxProviders(Catalog catalog) {
        int max = 1;
        for (RouteConfig route : catalog.config().routes()) {
            max = Math.max(max, (int) route.candidates().stream().map(m -> catalog.requireModel(m).provider()).distinct().count());
        }
        return max;
    }
}
