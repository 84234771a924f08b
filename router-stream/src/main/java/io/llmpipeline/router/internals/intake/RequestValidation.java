package io.llmpipeline.router.internals.intake;

import java.time.Clock;
import java.util.Optional;

import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;

import io.llmpipeline.router.internals.Step;
import io.llmpipeline.router.internals.TerminalResults;
import io.llmpipeline.schemas.LlmRequest;

/** Refuses malformed requests with a terminal INVALID_REQUEST (or DEADLINE_EXCEEDED) result. */
public final class RequestValidation extends ContextualProcessor<String, LlmRequest, String, Step<LlmRequest>> {
    private final Clock clock;

    public RequestValidation(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void process(Record<String, LlmRequest> record) {
        LlmRequest request = record.value();
        long now = clock.millis();
        Optional<Rejection> rejection = RequestRules.check(request, now);
        if (rejection.isPresent()) {
            String key = request.getRequestId() == null || request.getRequestId().isBlank() ? record.key() : request.getRequestId();
            context().forward(record.withKey(key == null ? "" : key).withValue(Step.answer(
                    TerminalResults.error(request, rejection.get().kind(), rejection.get().message(), now))));
            return;
        }
        context().forward(record.withKey(request.getRequestId()).withValue(Step.next(request)));
    }
}
