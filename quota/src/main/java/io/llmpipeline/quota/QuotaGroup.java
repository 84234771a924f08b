package io.llmpipeline.quota;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.llmpipeline.schemas.Codecs;
import io.llmpipeline.schemas.QuotaMember;

/**
 * The members of a group sharing limits (the workers calling one provider), as heard through
 * heartbeats on a one-partition topic: each member publishes what it would use of each limit every
 * {@code heartbeat}, reads everyone's, and refreshes its own share of each limit from that view,
 * which {@link #fraction} hands to the call path without any network hop. A member that stops
 * says so; one that dies is dropped after {@code ttl}. Times in the view are this process's
 * receipt times, so the members' clocks need not agree.
 */
public final class QuotaGroup implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QuotaGroup.class);

    /** @param limitsPerMinute each shared limit's size per minute, by limit id */
    public record Settings(String bootstrapServers, String topic, String memberId, Duration heartbeat, Duration ttl,
                           Duration grace) {
        public static Settings defaults(String bootstrapServers, String topic, String memberId) {
            return new Settings(bootstrapServers, topic, memberId, Duration.ofMillis(500), Duration.ofSeconds(3),
                    Duration.ofSeconds(2));
        }
    }

    private final Settings settings;
    private final Clock clock;
    private final Supplier<Map<String, Double>> demand;
    private final Supplier<Map<String, Double>> limitsPerMinute;
    private final Predicate<String> wholeUnits;
    private final RateShares shares;
    private final Map<String, Member> view = new ConcurrentHashMap<>();
    private final Map<String, Double> fractions = new ConcurrentHashMap<>();
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    private QuotaGroup(Settings settings, Clock clock, Supplier<Map<String, Double>> demand,
                       Supplier<Map<String, Double>> limitsPerMinute, Predicate<String> wholeUnits) {
        this.settings = settings;
        this.clock = clock;
        this.demand = demand;
        this.limitsPerMinute = limitsPerMinute;
        this.wholeUnits = wholeUnits;
        this.shares = new RateShares(settings.memberId(), settings.ttl().toMillis(), settings.grace().toMillis());
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "1",
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) settings.ttl().toMillis() * 2,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) settings.ttl().toMillis()),
                new StringSerializer(), new ByteArraySerializer());
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"), new StringDeserializer(), new ByteArrayDeserializer());
        TopicPartition partition = new TopicPartition(settings.topic(), 0);
        consumer.assign(List.of(partition));
        // heartbeats older than the ttl say nothing about who is alive now
        consumer.seekToEnd(List.of(partition));
        this.thread = Thread.ofPlatform().name("quota-group-" + settings.memberId()).daemon().start(this::run);
    }

    /**
     * Joins the group: creates its topic if missing and starts heartbeats.
     *
     * @param demand          what this member would use per minute of each limit, asked at every heartbeat
     * @param limitsPerMinute each limit's current size per minute (it may adapt), asked at every refresh
     */
    public static QuotaGroup join(Settings settings, Clock clock, Supplier<Map<String, Double>> demand,
                                  Supplier<Map<String, Double>> limitsPerMinute) {
        return join(settings, clock, demand, limitsPerMinute, limit -> false);
    }

    /**
     * @param wholeUnits the limits that are counts rather than rates (calls at once): their size and
     *                   demand are in units, and every member's share is a whole number of them
     */
    public static QuotaGroup join(Settings settings, Clock clock, Supplier<Map<String, Double>> demand,
                                  Supplier<Map<String, Double>> limitsPerMinute, Predicate<String> wholeUnits) {
        ensureTopic(settings);
        return new QuotaGroup(settings, clock, demand, limitsPerMinute, wholeUnits);
    }

    /** This member's share of {@code limit} in [0, 1]; 0 until it has been in the group for the grace. */
    public double fraction(String limit) {
        return fractions.getOrDefault(limit, 0.0);
    }

    /** The members heard from within the ttl, this one included once its heartbeat came back. */
    public int liveMembers() {
        long now = clock.millis();
        return (int) view.values().stream().filter(m -> m.liveAt(now, settings.ttl().toMillis())).count();
    }

    private void run() {
        long nextHeartbeat = 0;
        try {
            while (running) {
                long now = clock.millis();
                if (now >= nextHeartbeat) {
                    publish(false);
                    nextHeartbeat = now + settings.heartbeat().toMillis();
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(Math.max(10, nextHeartbeat - now)))) {
                    heard(record);
                }
                refresh(clock.millis());
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("quota group {} stopped; this member takes no share from now on", settings.memberId(), e);
            fractions.clear();
        }
    }

    private void heard(ConsumerRecord<String, byte[]> record) {
        QuotaMember heartbeat;
        try {
            heartbeat = Codecs.QUOTA_MEMBER.decode(record.value());
        } catch (RuntimeException e) {
            LOG.warn("undecodable heartbeat at {}-{}@{} ignored: {}", record.topic(), record.partition(), record.offset(), e.toString());
            return;
        }
        long now = clock.millis();
        String id = heartbeat.getMemberId();
        Map<String, Double> demands = new HashMap<>();
        heartbeat.getDemandPerMinute().forEach((limit, perMinute) -> demands.put(limit, perMinute));
        long firstSeen = Optional.ofNullable(view.get(id)).filter(m -> !m.leaving()).map(Member::firstSeenMs).orElse(now);
        view.put(id, new Member(id, firstSeen, now, demands, heartbeat.getLeaving()));
    }

    private void refresh(long now) {
        view.values().removeIf(m -> now - m.lastSeenMs() > 10 * settings.ttl().toMillis());
        limitsPerMinute.get().forEach((limit, perMinute) ->
                fractions.put(limit, shares.fraction(limit, perMinute, view.values(), now, wholeUnits.test(limit))));
    }

    private void publish(boolean leaving) {
        QuotaMember heartbeat = QuotaMember.newBuilder()
                .setMemberId(settings.memberId())
                .setSentAtMs(clock.millis())
                .setLeaving(leaving)
                .setDemandPerMinute(new HashMap<>(demand.get()))
                .build();
        producer.send(new ProducerRecord<>(settings.topic(), 0, settings.memberId(), Codecs.QUOTA_MEMBER.encode(heartbeat)));
    }

    private static void ensureTopic(Settings settings) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(settings.topic(), 1, (short) -1).configs(Map.of(
                    TopicConfig.RETENTION_MS_CONFIG, "600000",
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE)))).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create quota topic " + settings.topic(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating quota topic " + settings.topic(), e);
        }
    }

    /** Says it is leaving, so the others take its share at once instead of after the ttl. */
    @Override
    public void close() {
        stop();
        try {
            publish(true);
            producer.flush();
        } catch (RuntimeException e) {
            LOG.warn("could not say goodbye to quota group: {}", e.toString());
        }
        producer.close(Duration.ofSeconds(5));
        consumer.close();
    }

    /** Stops as a crashed member does: no goodbye, the others drop it after the ttl. */
    void stopWithoutGoodbye() {
        stop();
        producer.close(Duration.ZERO);
        consumer.close();
    }

    private void stop() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        fractions.clear();
    }
}
