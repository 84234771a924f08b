package io.llmpipeline.router.internals;

import java.util.function.Function;

import org.apache.kafka.common.serialization.Serde;

import io.llmpipeline.catalog.TopicsConfig;

/**
 * A topic stages may write to besides results and dead letters (budget alerts, say): a stage emits
 * {@link Step.Emit} for it and {@link Outlets} writes it.
 *
 * @param name  names the stage's nodes that write it: {@code <stage>-<name>s}, {@code <stage>-<name>-values}
 *              and {@code <stage>-to-<name>s}
 * @param type  what is written to it
 * @param topic where it is, in the catalog's topics
 */
public record SideTopic<V>(String name, Class<V> type, Function<TopicsConfig, String> topic, Serde<V> serde) {
}
