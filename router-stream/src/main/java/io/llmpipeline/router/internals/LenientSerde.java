package io.llmpipeline.router.internals;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * For the global tables the router only consults (health, statistics): an undecodable value is
 * logged and read as absent, so one bad record neither stops the router nor poisons a decision.
 */
public final class LenientSerde {
    private static final Logger LOG = LoggerFactory.getLogger(LenientSerde.class);

    private LenientSerde() {
    }

    public static <T> Serde<T> of(Serde<T> strict) {
        Deserializer<T> lenient = (topic, bytes) -> {
            try {
                return strict.deserializer().deserialize(topic, bytes);
            } catch (SerializationException e) {
                LOG.warn("ignoring an undecodable record on {}: {}", topic, e.getMessage());
                return null;
            }
        };
        return Serdes.serdeFrom(strict.serializer(), lenient);
    }
}
