package io.llmpipeline.router;

import java.time.Clock;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.router.internals.BandPartitioner;
import io.llmpipeline.router.internals.ModelAssignment;
import io.llmpipeline.router.internals.Outlets;
import io.llmpipeline.router.internals.RecordDecoder;
import io.llmpipeline.router.internals.RequestValidation;
import io.llmpipeline.schemas.Codecs;
import io.llmpipeline.schemas.LlmAssignment;
import io.llmpipeline.schemas.LlmRequest;

/**
 * The router's Kafka Streams topology: decode, validate, assign a model, and write the assignment
 * into the request's priority band on the assigned topic. Every refusal is a terminal result on the
 * results topic; every undecodable record goes to the dead-letter topic.
 */
public final class RouterTopology {
    private RouterTopology() {
    }

    public static Topology build(Catalog catalog, Clock clock) {
        StreamsBuilder builder = new StreamsBuilder();
        Outlets outlets = new Outlets(catalog.topics());

        KStream<String, LlmRequest> requests = outlets.drain("decode", builder
                .stream(catalog.topics().requests(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("requests"))
                .process(() -> new RecordDecoder<>(Codecs.REQUEST, clock), Named.as("request-decoder")));
        KStream<String, LlmRequest> valid = outlets.drain("validate",
                requests.process(() -> new RequestValidation(clock), Named.as("request-validation")));
        KStream<String, LlmAssignment> assigned = outlets.drain("assign",
                valid.process(() -> new ModelAssignment(catalog, clock), Named.as("model-assignment")));
        assigned.to(catalog.topics().assigned(), Produced.with(Serdes.String(), Codecs.ASSIGNMENT)
                .withStreamPartitioner(new BandPartitioner(catalog.bands())).withName("to-assigned"));
        return builder.build();
    }
}
