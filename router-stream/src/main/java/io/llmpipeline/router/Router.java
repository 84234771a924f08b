package io.llmpipeline.router;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.RouterConfig;

/** A running router instance. Several instances with the same catalog share the work by partitions. */
public final class Router implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Router.class);

    private final KafkaStreams streams;

    private Router(KafkaStreams streams) {
        this.streams = streams;
    }

    /**
     * Builds the topology and starts it. Topics must exist (see {@code TopicPlan.create}).
     *
     * @param streamsOverrides Kafka Streams settings applied last (tests shorten intervals with them)
     */
    public static Router start(Catalog catalog, String bootstrapServers, Path stateDir, Map<String, Object> streamsOverrides) {
        KafkaStreams streams = new KafkaStreams(RouterTopology.build(catalog, Clock.systemUTC()),
                properties(catalog, bootstrapServers, stateDir, streamsOverrides));
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("router stream thread failed; replacing it", e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.start();
        return new Router(streams);
    }

    static Properties properties(Catalog catalog, String bootstrapServers, Path stateDir, Map<String, Object> overrides) {
        RouterConfig config = catalog.config().router();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.processingGuarantee());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.threads());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitIntervalMs());
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) catalog.topics().replicationFactor());
        if (overrides != null) {
            props.putAll(overrides);
        }
        return props;
    }

    public KafkaStreams streams() {
        return streams;
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
    }
}
