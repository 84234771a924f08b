package io.llmpipeline.batch;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.TopicsConfig;

/**
 * The batch tracker as a running Kafka Streams application, apart from the router (its own
 * application id, {@code <batches topic>.tracker}, so it gets the catalog's name prefix), with
 * exactly-once processing: a result is counted once even across crashes.
 */
public final class BatchTracker implements AutoCloseable {
    /** Results of requests running when a window ended may come this long after it (default 60 s). */
    public static final long DEFAULT_GRACE_MS = 60_000;
    /** A cancelling batch whose submitter does not report (it was not running) ends after this long without news. */
    public static final long DEFAULT_QUIET_MS = 30_000;

    private final KafkaStreams streams;

    private BatchTracker(KafkaStreams streams) {
        this.streams = streams;
    }

    public static String applicationId(TopicsConfig topics) {
        return topics.batches() + ".tracker";
    }

    public static BatchTracker start(Catalog catalog, String bootstrapServers, Path stateDir, Map<String, Object> overrides) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId(catalog.topics()));
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) catalog.topics().replicationFactor());
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        props.putAll(overrides);
        KafkaStreams streams = new KafkaStreams(
                BatchTrackerTopology.build(catalog.topics(), DEFAULT_GRACE_MS, DEFAULT_QUIET_MS), props);
        streams.start();
        return new BatchTracker(streams);
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** Waits until the tracker processes records (its first rebalance is over). */
    public void awaitRunning(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline || streams.state() == KafkaStreams.State.ERROR
                    || streams.state() == KafkaStreams.State.NOT_RUNNING) {
                throw new IllegalStateException("batch tracker did not reach RUNNING within " + timeout + ": " + streams.state());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for the batch tracker", e);
            }
        }
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
    }
}
