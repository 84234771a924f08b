package io.llmpipeline.router.internals;

import io.llmpipeline.schemas.DlqEnvelope;
import io.llmpipeline.schemas.LlmResult;

/**
 * What a router processor decided about one record: hand it to the next stage, end it here with a
 * terminal result or a dead letter, or write a record to a {@link SideTopic}. All but {@link Next}
 * are written to their topics by {@link Outlets}; only {@link Next} travels on.
 */
public sealed interface Step<T> {
    record Next<T>(T value) implements Step<T> {
    }

    record Answer<T>(LlmResult result) implements Step<T> {
    }

    record DeadLetter<T>(DlqEnvelope envelope) implements Step<T> {
    }

    record Emit<T, V>(SideTopic<V> topic, V value) implements Step<T> {
    }

    static <T> Step<T> next(T value) {
        return new Next<>(value);
    }

    static <T> Step<T> answer(LlmResult result) {
        return new Answer<>(result);
    }

    static <T> Step<T> deadLetter(DlqEnvelope envelope) {
        return new DeadLetter<>(envelope);
    }

    static <T, V> Step<T> emit(SideTopic<V> topic, V value) {
        return new Emit<>(topic, value);
    }
}
