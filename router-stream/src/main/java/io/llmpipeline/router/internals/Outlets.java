package io.llmpipeline.router.internals;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

import io.llmpipeline.catalog.TopicsConfig;
import io.llmpipeline.router.internals.intake.OwnResults;
import io.llmpipeline.schemas.Codecs;

/**
 * Writes the terminal steps of a stage to their topics (results keyed by request id, dead letters,
 * budget alerts) and returns the stream of values that go on to the next stage.
 */
public final class Outlets {
    private final TopicsConfig topics;

    public Outlets(TopicsConfig topics) {
        this.topics = topics;
    }

    public <T> KStream<String, T> drain(String stage, KStream<String, Step<T>> steps) {
        steps.filter((k, s) -> s instanceof Step.Answer<T>, Named.as(stage + "-answers"))
                .mapValues(s -> ((Step.Answer<T>) s).result(), Named.as(stage + "-answer-values"))
                .processValues(OwnResults::new, Named.as(stage + "-answer-marks"))
                .to(topics.results(), Produced.with(Serdes.String(), Codecs.RESULT).withName(stage + "-to-results"));
        steps.filter((k, s) -> s instanceof Step.DeadLetter<T>, Named.as(stage + "-dead-letters"))
                .mapValues(s -> ((Step.DeadLetter<T>) s).envelope(), Named.as(stage + "-dead-letter-values"))
                .to(topics.dlq(), Produced.with(Serdes.String(), Codecs.DLQ).withName(stage + "-to-dlq"));
        steps.filter((k, s) -> s instanceof Step.Alert<T>, Named.as(stage + "-alerts"))
                .mapValues(s -> ((Step.Alert<T>) s).alert(), Named.as(stage + "-alert-values"))
                .to(topics.budgetAlerts(), Produced.with(Serdes.String(), Codecs.BUDGET_ALERT).withName(stage + "-to-alerts"));
        return steps.filter((k, s) -> s instanceof Step.Next<T>, Named.as(stage + "-passed"))
                .mapValues(s -> ((Step.Next<T>) s).value(), Named.as(stage + "-passed-values"));
    }
}
