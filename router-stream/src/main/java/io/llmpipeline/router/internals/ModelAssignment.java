package io.llmpipeline.router.internals;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.CostCalculator;
import io.llmpipeline.catalog.ModelConfig;
import io.llmpipeline.catalog.RouteConfig;
import io.llmpipeline.catalog.TokenCounter;
import io.llmpipeline.schemas.ErrorKind;
import io.llmpipeline.schemas.LlmAssignment;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.ModelRef;

/**
 * Chooses the model that answers a request: the route with the longest matching task-type prefix,
 * an allowed pin, or the route's candidates in order; the remaining candidates become the
 * worker's fallback chain. Counts the input tokens for the chosen model and the worst-case cost.
 */
public final class ModelAssignment extends ContextualProcessor<String, LlmRequest, String, Step<LlmAssignment>> {
    private final Catalog catalog;
    private final Clock clock;

    public ModelAssignment(Catalog catalog, Clock clock) {
        this.catalog = catalog;
        this.clock = clock;
    }

    @Override
    public void process(Record<String, LlmRequest> record) {
        LlmRequest request = record.value();
        long now = clock.millis();
        Optional<RouteConfig> route = catalog.routeFor(request.getTaskType());
        if (route.isEmpty()) {
            reject(record, new Rejection(ErrorKind.NO_ROUTE, "no route matches task_type '" + request.getTaskType()
                    + "' and the catalog has no default route"), now);
            return;
        }
        List<String> order;
        if (request.getModel() != null) {
            Optional<Rejection> pinProblem = checkPin(route.get(), request.getModel());
            if (pinProblem.isPresent()) {
                reject(record, pinProblem.get(), now);
                return;
            }
            order = List.of(request.getModel());
        } else {
            order = route.get().candidates();
        }
        String target = order.getFirst();
        ModelConfig model = catalog.requireModel(target);
        int inputTokens = TokenCounter.count(model.tokenizer(), request.getMessages());
        Integer maxTokens = request.getParams() == null ? null : request.getParams().getMaxTokens();
        int outputTokens = maxTokens != null ? maxTokens : model.maxOutputTokens();
        List<ModelRef> fallback = new ArrayList<>();
        for (String name : order.subList(1, order.size())) {
            fallback.add(catalog.ref(name));
        }
        LlmAssignment assignment = LlmAssignment.newBuilder()
                .setRequest(request)
                .setRoute(route.get().match())
                .setTarget(catalog.ref(target))
                .setFallbackChain(fallback)
                .setEstimatedInputTokens(inputTokens)
                .setExactTokenCount(TokenCounter.isExact(model.tokenizer()))
                .setEstimatedCostMicros(CostCalculator.worstCaseMicros(model.price(), inputTokens, outputTokens))
                .setAssignedAtMs(now)
                .build();
        context().forward(record.withKey(request.getRequestId()).withValue(Step.next(assignment)));
    }

    private Optional<Rejection> checkPin(RouteConfig route, String pin) {
        if (catalog.model(pin).isEmpty()) {
            return Optional.of(Rejection.invalid("model '" + pin + "' is not in the catalog; known models: "
                    + new java.util.TreeSet<>(catalog.config().models().keySet())));
        }
        if (!route.allowPin()) {
            return Optional.of(Rejection.invalid("route '" + route.match() + "' does not allow pinning a model"));
        }
        if (!route.pinAny() && !route.candidates().contains(pin)) {
            return Optional.of(Rejection.invalid("model '" + pin + "' is not allowed on route '" + route.match()
                    + "'; allowed: " + route.candidates()));
        }
        return Optional.empty();
    }

    private void reject(Record<String, LlmRequest> record, Rejection rejection, long now) {
        context().forward(record.withKey(record.value().getRequestId()).withValue(
                Step.answer(TerminalResults.error(record.value(), rejection.kind(), rejection.message(), now))));
    }
}
