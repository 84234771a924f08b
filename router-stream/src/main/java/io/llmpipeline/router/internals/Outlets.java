package io.llmpipeline.router.internals;

import java.util.List;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

import io.llmpipeline.catalog.TopicsConfig;
import io.llmpipeline.router.internals.intake.OwnResults;
import io.llmpipeline.schemas.Codecs;

/**
 * Writes the terminal steps of a stage to their topics (results keyed by request id, dead letters,
 * side topics such as budget alerts) and returns the stream of values that go on to the next stage.
 */
public final class Outlets {
    private final TopicsConfig topics;
    private final List<SideTopic<?>> sideTopics;

    /**
     * @param sideTopics written for every stage, whether it emits to them or not: the nodes' names are
     *                   part of the topology running routers know
     */
    public Outlets(TopicsConfig topics, SideTopic<?>... sideTopics) {
        this.topics = topics;
        this.sideTopics = List.of(sideTopics);
    }

    public <T> KStream<String, T> drain(String stage, KStream<String, Step<T>> steps) {
        steps.filter((k, s) -> s instanceof Step.Answer<T>, Named.as(stage + "-answers"))
                .mapValues(s -> ((Step.Answer<T>) s).result(), Named.as(stage + "-answer-values"))
                .processValues(OwnResults::new, Named.as(stage + "-answer-marks"))
                .to(topics.results(), Produced.with(Serdes.String(), Codecs.RESULT).withName(stage + "-to-results"));
        steps.filter((k, s) -> s instanceof Step.DeadLetter<T>, Named.as(stage + "-dead-letters"))
                .mapValues(s -> ((Step.DeadLetter<T>) s).envelope(), Named.as(stage + "-dead-letter-values"))
                .to(topics.dlq(), Produced.with(Serdes.String(), Codecs.DLQ).withName(stage + "-to-dlq"));
        sideTopics.forEach(side -> write(stage, steps, side));
        return steps.filter((k, s) -> s instanceof Step.Next<T>, Named.as(stage + "-passed"))
                .mapValues(s -> ((Step.Next<T>) s).value(), Named.as(stage + "-passed-values"));
    }

    private <T, V> void write(String stage, KStream<String, Step<T>> steps, SideTopic<V> side) {
        steps.filter((k, s) -> s instanceof Step.Emit<T, ?> e && e.topic() == side, Named.as(stage + "-" + side.name() + "s"))
                .mapValues(s -> side.type().cast(((Step.Emit<T, ?>) s).value()), Named.as(stage + "-" + side.name() + "-values"))
                .to(side.topic().apply(topics), Produced.with(Serdes.String(), side.serde()).withName(stage + "-to-" + side.name() + "s"));
    }
}
