package io.llmpipeline.router.internals;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The decoded layer must behave like the store below it to its processor, and reach the changelog
 * once per key and commit (TopologyTestDriver commits after every input record).
 */
class DecodedStoreTest {
    private static final String STORE = "counts";
    private static final String CHANGELOG = "app-" + STORE + "-changelog";
    private TopologyTestDriver driver;
    private TestInputTopic<String, String> in;
    private TestOutputTopic<String, String> out;

    /** "add": counts the key up three times; "drop": deletes it; "scan": answers with every key and count. */
    private static final class Counter extends ContextualProcessor<String, String, String, String> {
        private KeyValueStore<String, Long> counts;

        @Override
        public void init(ProcessorContext<String, String> context) {
            super.init(context);
            counts = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<String, String> record) {
            String key = record.key();
            switch (record.value()) {
                case "add" -> {
                    for (int i = 0; i < 3; i++) {
                        Long now = counts.get(key);
                        counts.put(key, now == null ? 1 : now + 1);
                    }
                    context().forward(record.withValue(String.valueOf(counts.get(key))));
                }
                case "drop" -> context().forward(record.withValue(key + " was " + counts.delete(key) + ", now " + counts.get(key)));
                default -> {
                    List<String> all = new ArrayList<>();
                    try (KeyValueIterator<String, Long> it = counts.all()) {
                        it.forEachRemaining(kv -> all.add(kv.key + "=" + kv.value));
                    }
                    context().forward(record.withValue(String.join(",", all)));
                }
            }
        }
    }

    @BeforeEach
    void start() {
        Topology topology = new Topology();
        topology.addSource("in", new StringDeserializer(), new StringDeserializer(), "in");
        topology.addProcessor("counter", Counter::new, "in");
        topology.addStateStore(DecodedStoreBuilder.persistent(STORE, Serdes.Long()), "counter");
        topology.addSink("out", "out", new StringSerializer(), new StringSerializer(), "counter");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "app");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        driver = new TopologyTestDriver(topology, props);
        in = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
        out = driver.createOutputTopic("out", new StringDeserializer(), new StringDeserializer());
    }

    @AfterEach
    void close() {
        driver.close();
    }

    private List<KeyValue<String, Long>> changelog() {
        return driver.createOutputTopic(CHANGELOG, new StringDeserializer(), Serdes.Long().deserializer()).readKeyValuesToList();
    }

    @Test
    void shouldReadItsOwnWritesAndLogEachChangedKeyOncePerCommit() {
        in.pipeInput("a", "add");
        in.pipeInput("a", "add");
        in.pipeInput("b", "add");

        assertThat(out.readValuesToList()).containsExactly("3", "6", "3");
        assertThat(changelog()).as("one changelog record per key and commit, with the last value")
                .containsExactly(KeyValue.pair("a", 3L), KeyValue.pair("a", 6L), KeyValue.pair("b", 3L));
    }

    @Test
    void shouldLogADeleteAsATombstoneAndReadItAsGone() {
        in.pipeInput("a", "add");
        in.pipeInput("a", "drop");

        assertThat(out.readValuesToList()).containsExactly("3", "a was 3, now null");
        assertThat(changelog()).containsExactly(KeyValue.pair("a", 3L), KeyValue.pair("a", null));
        assertThat(driver.getKeyValueStore(STORE).get("a")).isNull();
    }

    @Test
    void shouldLetAScanSeeChangesNotCommittedYet() {
        in.pipeInput("a", "add");
        in.pipeInput("b", "add");
        in.pipeInput("a", "drop");
        in.pipeInput("x", "scan");

        assertThat(out.readValuesToList()).last().isEqualTo("b=3");
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldDropChangesNotCommittedWhenStreamsClearsItsCaches() {
        in.pipeInput("a", "add");
        DecodedStore<Long> store = (DecodedStore<Long>) (Object) driver.getKeyValueStore(STORE);
        store.put("a", 100L);
        store.put("b", 7L);

        store.clearCache();

        assertThat(store.get("a")).as("back to the committed value").isEqualTo(3L);
        assertThat(store.get("b")).isNull();
        assertThat(changelog()).containsExactly(KeyValue.pair("a", 3L));
    }
}
