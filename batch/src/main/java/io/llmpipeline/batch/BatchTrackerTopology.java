package io.llmpipeline.batch;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

import io.llmpipeline.batch.internals.BatchFold;
import io.llmpipeline.batch.internals.ResultTally;
import io.llmpipeline.catalog.TopicsConfig;
import io.llmpipeline.schemas.BatchEvent;
import io.llmpipeline.schemas.BatchEventKind;
import io.llmpipeline.schemas.BatchState;
import io.llmpipeline.schemas.Codecs;
import io.llmpipeline.schemas.DlqEnvelope;

/**
 * The batch tracker: folds submitters' events ({@code llm.batch-events}) and the results of batch
 * requests ({@code llm.results}) into one {@link BatchState} per batch on the compacted
 * {@code llm.batches}. Both inputs are re-keyed by batch id and meet in one processor, so one task
 * owns a batch: its state and the set of its requests already counted (a request answered twice,
 * e.g. replayed to a resumed submitter, counts once). Undecodable records go to the DLQ.
 */
public final class BatchTrackerTopology {
    public static final String STATES = "batch-states";
    public static final String COUNTED = "batch-counted";
    /** A state is published at most this often while only counts change; status changes go out at once. */
    public static final Duration PUBLISH_EVERY = Duration.ofMillis(250);
    /**
     * How long a finished batch keeps the set of its requests already counted. A million-line batch
     * holds a million keys; kept forever they would grow the store with every batch. Past this, a
     * late result (a replay to a submitter resumed a day later) adds its cost, never a count.
     */
    public static final Duration COUNTED_RETENTION = Duration.ofHours(24);
    static final Duration PRUNE_EVERY = Duration.ofMinutes(10);

    private BatchTrackerTopology() {
    }

    /** Decoded input, or the reason it could not be. */
    private record Decoded(BatchEvent event, DlqEnvelope dead) {
    }

    /**
     * @param graceMs how long past a batch's window the results of requests that were running may still
     *                come before the batch is declared expired
     * @param quietMs a cancelling batch with no news for this long is declared cancelled
     */
    public static Topology build(TopicsConfig topics, long graceMs, long quietMs) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STATES), Serdes.String(), Codecs.BATCH_STATE));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(COUNTED), Serdes.String(), Serdes.Short()));

        KStream<String, Decoded> results = builder.stream(topics.results(), Consumed.with(Serdes.String(), Serdes.ByteArray())
                        .withName("read-results"))
                .mapValues((key, bytes) -> decodeResult(topics.results(), key, bytes))
                .filter((key, decoded) -> decoded != null);
        KStream<String, Decoded> events = builder.stream(topics.batchEvents(), Consumed.with(Serdes.String(), Serdes.ByteArray())
                        .withName("read-batch-events"))
                .mapValues((key, bytes) -> decodeEvent(topics.batchEvents(), key, bytes));
        KStream<String, Decoded> all = results.merge(events);

        all.filter((key, decoded) -> decoded.dead() != null)
                .mapValues(decoded -> Codecs.DLQ.encode(decoded.dead()))
                .to(topics.dlq(), Produced.with(Serdes.String(), Serdes.ByteArray()));
        all.filter((key, decoded) -> decoded.event() != null)
                .map((key, decoded) -> KeyValue.pair(decoded.event().getBatchId(), decoded.event()))
                .repartition(Repartitioned.with(Serdes.String(), Codecs.BATCH_EVENT).withName("by-batch"))
                .process(() -> new Track(graceMs, quietMs), STATES, COUNTED)
                .to(topics.batches(), Produced.with(Serdes.String(), Codecs.BATCH_STATE));
        return builder.build();
    }

    private static Decoded decodeResult(String topic, String key, byte[] bytes) {
        try {
            BatchEvent event = ResultTally.of(Codecs.RESULT.decode(bytes));
            return event == null ? null : new Decoded(event, null);
        } catch (SerializationException e) {
            return new Decoded(null, dead(topic, key, bytes, e));
        }
    }

    private static Decoded decodeEvent(String topic, String key, byte[] bytes) {
        try {
            return new Decoded(Codecs.BATCH_EVENT.decode(bytes), null);
        } catch (SerializationException e) {
            return new Decoded(null, dead(topic, key, bytes, e));
        }
    }

    private static DlqEnvelope dead(String topic, String key, byte[] bytes, Exception e) {
        return DlqEnvelope.newBuilder()
                .setSourceTopic(topic)
                .setSourcePartition(-1)
                .setSourceOffset(-1)
                .setKey(key == null ? null : java.nio.ByteBuffer.wrap(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .setValue(bytes == null ? null : java.nio.ByteBuffer.wrap(bytes))
                .setReason(e.getMessage())
                .setErrorClass(e.getClass().getName())
                .setStage("batch-tracker")
                .setHeaders(Map.of())
                .setAtMs(System.currentTimeMillis())
                .build();
    }

    /** Folds a batch's events; publishes its state on a status change at once, else every {@link #PUBLISH_EVERY}. */
    private static final class Track implements Processor<String, BatchEvent, String, BatchState> {
        private final long graceMs;
        private final long quietMs;
        private final Set<String> dirty = new HashSet<>();
        private ProcessorContext<String, BatchState> context;
        private KeyValueStore<String, BatchState> states;
        private KeyValueStore<String, Short> counted;

        Track(long graceMs, long quietMs) {
            this.graceMs = graceMs;
            this.quietMs = quietMs;
        }

        @Override
        public void init(ProcessorContext<String, BatchState> context) {
            this.context = context;
            this.states = context.getStateStore(STATES);
            this.counted = context.getStateStore(COUNTED);
            // after a restart nothing says which states went out last: publish the unfinished ones again
            try (KeyValueIterator<String, BatchState> it = states.all()) {
                it.forEachRemaining(kv -> {
                    if (!BatchFold.terminal(kv.value.getStatus())) {
                        dirty.add(kv.key);
                    }
                });
            }
            context.schedule(PUBLISH_EVERY, PunctuationType.WALL_CLOCK_TIME, this::tick);
            context.schedule(PRUNE_EVERY, PunctuationType.WALL_CLOCK_TIME, this::prune);
        }

        private static boolean talliesPruned(BatchState state, long now) {
            Long finished = state.getFinishedAtMs();
            return BatchFold.terminal(state.getStatus()) && finished != null
                    && now - finished >= COUNTED_RETENTION.toMillis();
        }

        /** Drops the per-request tally of batches finished more than {@link #COUNTED_RETENTION} ago. */
        private void prune(long now) {
            java.util.List<String> expired = new java.util.ArrayList<>();
            try (KeyValueIterator<String, BatchState> it = states.all()) {
                it.forEachRemaining(kv -> {
                    if (talliesPruned(kv.value, now)) {
                        expired.add(kv.key);
                    }
                });
            }
            for (String batchId : expired) {
                java.util.List<String> keys = new java.util.ArrayList<>();
                // request ids are "<batch id>/<custom id>" (BatchIds.requestId)
                try (KeyValueIterator<String, Short> it = counted.prefixScan(batchId + "/", Serdes.String().serializer())) {
                    it.forEachRemaining(kv -> keys.add(kv.key));
                }
                keys.forEach(counted::delete);
            }
        }

        @Override
        public void process(Record<String, BatchEvent> record) {
            BatchEvent event = record.value();
            String batchId = record.key();
            long now = context.currentSystemTimeMs();
            BatchState before = states.get(batchId);
            BatchState after;
            if (event.getKind() == BatchEventKind.RESULT) {
                if (before == null) {
                    return; // a result of a batch whose submitter never announced it
                }
                boolean first = !talliesPruned(before, now)
                        && counted.putIfAbsent(event.getRequestId(), (short) event.getOutcome().ordinal()) == null;
                after = first ? BatchFold.apply(before, event, now) : BatchFold.addCostOnly(before, event, now);
            } else {
                after = BatchFold.apply(before, event, now);
            }
            if (after == null) {
                return;
            }
            states.put(batchId, after);
            if (before == null || before.getStatus() != after.getStatus() || event.getKind() != BatchEventKind.RESULT) {
                publish(after, now);
            } else {
                dirty.add(batchId);
            }
        }

        private void tick(long now) {
            java.util.List<BatchState> changed = new java.util.ArrayList<>();
            java.util.List<BatchState> unchanged = new java.util.ArrayList<>();
            try (KeyValueIterator<String, BatchState> it = states.all()) {
                while (it.hasNext()) {
                    KeyValue<String, BatchState> kv = it.next();
                    if (BatchFold.terminal(kv.value.getStatus()) && !dirty.contains(kv.key)) {
                        continue;
                    }
                    BatchState next = BatchFold.onClock(kv.value, now, graceMs, quietMs);
                    (next != kv.value ? changed : dirty.contains(kv.key) ? unchanged : new java.util.ArrayList<BatchState>()).add(next);
                }
            }
            for (BatchState state : changed) {
                states.put(state.getBatchId(), state);
                publish(state, now);
            }
            unchanged.forEach(state -> publish(state, now));
        }

        private void publish(BatchState state, long now) {
            dirty.remove(state.getBatchId());
            context.forward(new Record<>(state.getBatchId(), BatchFold.view(state), now));
        }
    }
}
