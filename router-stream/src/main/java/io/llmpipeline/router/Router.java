package io.llmpipeline.router;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.ClientOverrides;
import io.llmpipeline.catalog.RouterConfig;
import io.llmpipeline.catalog.TopicLeaders;

/** A running router instance. Several instances with the same catalog share the work by partitions. */
public final class Router implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Router.class);

    private final KafkaStreams streams;
    private final DepartedInstances departed;

    private Router(KafkaStreams streams, DepartedInstances departed) {
        this.streams = streams;
        this.departed = departed;
    }

    /**
     * Builds the topology and starts it. Topics must exist (see {@code TopicPlan.create}).
     *
     * @param streamsOverrides Kafka Streams settings applied last (tests shorten intervals with them)
     */
    public static Router start(Catalog catalog, String bootstrapServers, Path stateDir, Map<String, Object> streamsOverrides) {
        createStatsTopic(catalog, bootstrapServers);
        KafkaStreams streams = new KafkaStreams(RouterTopology.build(catalog, Clock.systemUTC()),
                properties(catalog, bootstrapServers, stateDir, streamsOverrides));
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("router stream thread failed; replacing it", e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((now, before) -> LOG.info("router {} -> {}: {} active tasks", before, now, activeTasks(streams)));
        streams.start();
        boolean exactlyOnce = StreamsConfig.EXACTLY_ONCE_V2.equals(catalog.config().router().processingGuarantee());
        // off only to measure what it saves: -Dllm.router.fenceDepartedInstances=false
        boolean fence = exactlyOnce && !"false".equals(System.getProperty("llm.router.fenceDepartedInstances"));
        DepartedInstances departed = fence ? DepartedInstances.watch(catalog.config().router().applicationId(), bootstrapServers,
                () -> streams.metadataForLocalThreads().stream().map(org.apache.kafka.streams.ThreadMetadata::consumerClientId).toList(),
                Duration.ofSeconds(1)) : null;
        return new Router(streams, departed);
    }

    /** The router's own compacted topic of model statistics; created here because only the router uses it. */
    private static void createStatsTopic(Catalog catalog, String bootstrapServers) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            String topic = RouterTopology.statsTopic(catalog);
            var existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            if (!existing.contains(topic)) {
                admin.createTopics(List.of(new NewTopic(topic, 1, catalog.topics().replicationFactor())
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))))
                        .all().get(30, TimeUnit.SECONDS);
            }
            if (RouterTopology.budgeted(catalog)) {
                createLeaseGrantsTopic(admin, catalog, existing.contains(RouterTopology.leaseGrantsTopic(catalog)));
            }
            // global tables refuse to start on a topic whose partitions have no leader yet
            TopicLeaders.await(admin, List.of(topic, catalog.topics().providerHealth()), Duration.ofSeconds(30));
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create the model statistics topic: " + e.getCause().getMessage(), e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the model statistics topic", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out creating the model statistics topic", e);
        }
    }

    /**
     * Ledger owners answer each admitting task on its own partition of this topic, so it needs one
     * partition per task; fewer would hand one task's grants to another.
     */
    private static void createLeaseGrantsTopic(Admin admin, Catalog catalog, boolean exists)
            throws ExecutionException, InterruptedException, TimeoutException {
        String topic = RouterTopology.leaseGrantsTopic(catalog);
        int tasks = RouterTopology.admittingTasks(catalog);
        if (!exists) {
            admin.createTopics(List.of(new NewTopic(topic, tasks, catalog.topics().replicationFactor())
                    .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(TimeUnit.DAYS.toMillis(1))))))
                    .all().get(30, TimeUnit.SECONDS);
            return;
        }
        int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions().size();
        if (partitions != tasks) {
            throw new IllegalStateException("topic " + topic + " has " + partitions + " partitions but the router admits requests in "
                    + tasks + " tasks (the larger of topics.bands and topics.partitions); delete it while no router runs, "
                    + "or restore the partition counts it was created with");
        }
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
        // A stream thread commits only between polls, and with nothing new to read it waits in poll for poll.ms
        // (Streams' default 100 ms). When every request in flight waits on the router's own uncommitted output (its
        // repartition records, its assignments), nothing new arrives, so that wait was added to the commit
        // interval: p50 at concurrency 64 fell into ~210 ms in some runs instead of ~110 (docs/router.md).
        props.put(StreamsConfig.POLL_MS_CONFIG, Math.min(100, config.commitIntervalMs()));
        // Streams lingers 100 ms by default, so records sat in the producer until the commit flushed them; sent within
        // 5 ms, they are on the broker when the commit starts (the commit interval is what moved the latency, see docs/router.md)
        props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) catalog.topics().replicationFactor());
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.standbyReplicas());
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), config.sessionTimeoutMs());
        // six heartbeats per session (the consumer's default is three): the survivors hear of a rebalance after a
        // member's session ran out up to one interval later, a second here instead of two
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), Math.max(500, config.sessionTimeoutMs() / 6));
        // a killed instance's open transaction blocks read_committed readers of every partition it wrote to until the
        // broker aborts it after this timeout (Streams' default 10 s); its successor has another transactional id
        props.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG),
                Math.max(config.sessionTimeoutMs(), 10 * config.commitIntervalMs()));

        if (overrides != null) {
            props.putAll(overrides);
        }
        // tuning experiments: -Dllm.router.streams.<Kafka Streams setting>=<value>, applied last
        ClientOverrides.apply("llm.router.streams.", props);
        return props;
    }

    /** The tasks this instance runs; what an operator (and the router-kill bench) looks for in the state log line. */
    public static int activeTasks(KafkaStreams streams) {
        return streams.metadataForLocalThreads().stream().mapToInt(t -> t.activeTasks().size()).sum();
    }

    public KafkaStreams streams() {
        return streams;
    }

    @Override
    /** Leaves the group on the way out, so the other instances take over at once, not after a session timeout. */
    public void close() {
        if (departed != null) {
            departed.close();
        }
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
    }
}
