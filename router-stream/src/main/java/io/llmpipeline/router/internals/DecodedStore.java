package io.llmpipeline.router.internals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * A key-value store that keeps its values as objects between commits and writes each changed key
 * to the store below once per commit. The budget ledgers, leases and model statistics are read and
 * rewritten for nearly every record; through the store below alone that is a JSON decode per read
 * and an encode per write (17 % of the router stream threads' samples at 2 s provider latency, 6 %
 * with this layer; docs/BENCHMARKS.md, issue 10, eighth session).
 *
 * <p>Same contract as Kafka Streams' own record cache, one layer up: changes reach the store below,
 * and so its changelog, when the task commits ({@link #flushCache}, called by the task before it
 * commits its transaction), and are dropped with the cache when Streams drops its caches
 * ({@link #clearCache}: a task changing type) or re-initialises the store (a task revived after a
 * failure restores from the changelog). The values must be immutable: a reader holds the object the
 * store keeps. Only the task's own stream thread may use it (it is not for interactive queries).
 */
public final class DecodedStore<V> extends WrappedStateStore<KeyValueStore<String, V>, String, V> implements KeyValueStore<String, V> {
    private static final Object ABSENT = new Object();

    private final Map<String, Object> changed = new LinkedHashMap<>();
    private final Map<String, Object> known;

    /** @param capacity how many unchanged values are kept decoded (least recently used go first) */
    public DecodedStore(KeyValueStore<String, V> below, int capacity) {
        super(below);
        this.known = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Object> eldest) {
                return size() > capacity;
            }
        };
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        forget();
        super.init(context, root);
    }

    @Override
    @SuppressWarnings("unchecked")
    public V get(String key) {
        Object value = changed.get(key);
        if (value == null) {
            value = known.get(key);
        }
        if (value == null) {
            V stored = wrapped().get(key);
            value = stored == null ? ABSENT : stored;
            known.put(key, value);
        }
        return value == ABSENT ? null : (V) value;
    }

    @Override
    public void put(String key, V value) {
        Object kept = value == null ? ABSENT : value;
        changed.put(key, kept);
        known.put(key, kept);
    }

    @Override
    public V putIfAbsent(String key, V value) {
        V current = get(key);
        if (current == null) {
            put(key, value);
        }
        return current;
    }

    @Override
    public void putAll(List<KeyValue<String, V>> entries) {
        entries.forEach(e -> put(e.key, e.value));
    }

    @Override
    public V delete(String key) {
        V current = get(key);
        put(key, null);
        return current;
    }

    @Override
    public void flushCache() {
        writeDown();
        super.flushCache();
    }

    @Override
    public void clearCache() {
        forget();
        super.clearCache();
    }

    @Override
    public void close() {
        forget();
        super.close();
    }

    // scans read the store below, so they see this commit's changes only once those are written down

    @Override
    public KeyValueIterator<String, V> range(String from, String to) {
        writeDown();
        return wrapped().range(from, to);
    }

    @Override
    public KeyValueIterator<String, V> reverseRange(String from, String to) {
        writeDown();
        return wrapped().reverseRange(from, to);
    }

    @Override
    public KeyValueIterator<String, V> all() {
        writeDown();
        return wrapped().all();
    }

    @Override
    public KeyValueIterator<String, V> reverseAll() {
        writeDown();
        return wrapped().reverseAll();
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<String, V> prefixScan(P prefix, PS prefixKeySerializer) {
        writeDown();
        return wrapped().prefixScan(prefix, prefixKeySerializer);
    }

    @Override
    public long approximateNumEntries() {
        writeDown();
        return wrapped().approximateNumEntries();
    }

    /** Writes the changes to the store below without flushing it: what a scan needs, short of a commit. */
    @SuppressWarnings("unchecked")
    private void writeDown() {
        changed.forEach((key, value) -> {
            if (value == ABSENT) {
                wrapped().delete(key);
                // the store below now answers null itself: a short-lived key (a booking sent, a settled lease) deleted seconds
                // after it was written must not hold a place here until it is the least recently used
                known.remove(key);
            } else {
                wrapped().put(key, (V) value);
            }
        });
        changed.clear();
    }

    private void forget() {
        changed.clear();
        known.clear();
    }
}
