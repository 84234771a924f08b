package io.llmpipeline.router.internals;

import java.util.Map;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds a persistent, changelogged key-value store with a {@link DecodedStore} on top. Streams'
 * record cache stays off below it: the layer above already writes each key once per commit.
 */
public final class DecodedStoreBuilder<V> implements StoreBuilder<KeyValueStore<String, V>> {
    /** Values kept decoded per store and task; beyond that, the least recently used are decoded again when read. */
    static final int CAPACITY = 10_000;

    private final StoreBuilder<KeyValueStore<String, V>> below;

    private DecodedStoreBuilder(StoreBuilder<KeyValueStore<String, V>> below) {
        this.below = below;
    }

    public static <V> DecodedStoreBuilder<V> persistent(String name, Serde<V> values) {
        return new DecodedStoreBuilder<>(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), values));
    }

    @Override
    public KeyValueStore<String, V> build() {
        return new DecodedStore<>(below.build(), CAPACITY);
    }

    @Override
    public StoreBuilder<KeyValueStore<String, V>> withCachingEnabled() {
        throw new UnsupportedOperationException("a decoded store keeps its own cache; Streams' record cache below it would only copy it");
    }

    @Override
    public StoreBuilder<KeyValueStore<String, V>> withCachingDisabled() {
        return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<String, V>> withLoggingEnabled(Map<String, String> config) {
        below.withLoggingEnabled(config);
        return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<String, V>> withLoggingDisabled() {
        below.withLoggingDisabled();
        return this;
    }

    @Override
    public Map<String, String> logConfig() {
        return below.logConfig();
    }

    @Override
    public boolean loggingEnabled() {
        return below.loggingEnabled();
    }

    @Override
    public String name() {
        return below.name();
    }
}
