package io.llmpipeline.router;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Aborts the open transaction of a router instance that left the group without closing (kill -9,
 * a lost machine). Until it is aborted, that transaction holds back every read_committed reader of
 * the partitions it wrote to (the workers on the assigned topic, the survivors restoring its
 * stores), and the broker only aborts it after the transaction timeout, at its next scan for timed
 * out transactions (every 10 s by default): 6 to 16 s after the kill with the router's settings.
 * <p>
 * Every second this looks at the members of the router's consumer group. Kafka Streams names a
 * thread's consumer "&lt;application&gt;-&lt;process id&gt;-StreamThread-&lt;n&gt;-consumer" and its
 * exactly-once producer's transactional id "&lt;application&gt;-&lt;process id&gt;-&lt;n&gt;", so when
 * a process id seen before is gone from the group, a producer under each of its transactional ids
 * calls {@code initTransactions}, which aborts the open transaction and fences the old producer.
 * That is safe: an instance out of the group has lost its tasks already, and one that was only
 * slow (a long pause) finds its producer fenced, which Kafka Streams treats as a lost task and
 * rejoins with a new one. An instance restarted in the same state directory keeps its process id
 * and fences its own old transaction when it starts.
 */
final class DepartedInstances implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DepartedInstances.class);
    private static final Pattern THREAD_CONSUMER =
            Pattern.compile("-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-StreamThread-(\\d+)-consumer$");

    private final String applicationId;
    private final String bootstrapServers;
    private final Supplier<Collection<String>> ownConsumerClientIds;
    private final Admin admin;
    private final ScheduledExecutorService timer;
    /** Process id -> thread numbers, as last seen in the group. */
    private volatile Map<String, Set<Integer>> members = new HashMap<>();

    private DepartedInstances(String applicationId, String bootstrapServers, Supplier<Collection<String>> ownConsumerClientIds) {
        this.applicationId = applicationId;
        this.bootstrapServers = bootstrapServers;
        this.ownConsumerClientIds = ownConsumerClientIds;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "router-departed-instances");
            t.setDaemon(true);
            return t;
        });
    }

    static DepartedInstances watch(String applicationId, String bootstrapServers, Supplier<Collection<String>> ownConsumerClientIds,
                                   Duration every) {
        DepartedInstances watcher = new DepartedInstances(applicationId, bootstrapServers, ownConsumerClientIds);
        watcher.timer.scheduleWithFixedDelay(watcher::checkQuietly, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return watcher;
    }

    private void checkQuietly() {
        try {
            check();
        } catch (Exception e) {
            // the broker may be away; the next check tries again
            LOG.debug("cannot check the router group's members: {}", e.toString());
        }
    }

    void check() throws Exception {
        ConsumerGroupDescription group;
        try {
            group = admin.describeConsumerGroups(List.of(applicationId)).all().get(5, TimeUnit.SECONDS).get(applicationId);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return;
            }
            throw e;
        }
        Map<String, Set<Integer>> now = threadsByProcess(group.members().stream().map(MemberDescription::clientId).toList());
        Set<String> own = threadsByProcess(ownConsumerClientIds.get()).keySet();
        for (Map.Entry<String, Set<Integer>> before : members.entrySet()) {
            if (!now.containsKey(before.getKey()) && !own.contains(before.getKey())) {
                fence(before.getKey(), before.getValue());
            }
        }
        members = now;
    }

    /** Whether the last look at the group found this process among its members. */
    boolean sees(String processId) {
        return members.containsKey(processId);
    }

    static Map<String, Set<Integer>> threadsByProcess(Collection<String> consumerClientIds) {
        Map<String, Set<Integer>> threads = new HashMap<>();
        for (String clientId : consumerClientIds) {
            Matcher m = THREAD_CONSUMER.matcher(clientId);
            if (m.find()) {
                threads.computeIfAbsent(m.group(1), p -> new TreeSet<>()).add(Integer.parseInt(m.group(2)));
            }
        }
        return threads;
    }

    static String transactionalId(String applicationId, String processId, int thread) {
        return applicationId + "-" + processId + "-" + thread;
    }

    private void fence(String processId, Set<Integer> threads) {
        for (int thread : threads) {
            String id = transactionalId(applicationId, processId, thread);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, id,
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000,
                    ProducerConfig.CLIENT_ID_CONFIG, applicationId + "-fencing-" + processId + "-" + thread),
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.initTransactions();
                LOG.info("router instance {} left the group without closing: aborted the open transaction of {}", processId, id);
            } catch (RuntimeException e) {
                LOG.warn("cannot abort the open transaction of departed router instance {} ({}); the broker aborts it after "
                        + "its timeout", id, e.toString());
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        admin.close(Duration.ofSeconds(5));
    }
}
