package io.llmpipeline.analytics.report;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.llmpipeline.schemas.AvroCodec;
import io.llmpipeline.schemas.SpendAnomaly;

/**
 * Publishes anomalies as {@link SpendAnomaly} records on a compacted topic (created if missing),
 * keyed {@code scope:key:window_start_ms}: running the detection again republishes the same key,
 * which compaction folds into one. Not {@code llm.budget-alerts}: a {@code BudgetAlert} is a
 * crossing of a configured limit (threshold percent of limit_micros, DAILY or MONTHLY window, sent
 * exactly once by the router); an anomaly has no limit, no percent and an hourly window, and
 * readers of budget alerts would take it for a limit being hit.
 */
public final class AnomalyPublisher {
    public static final AvroCodec<SpendAnomaly> CODEC = AvroCodec.of(SpendAnomaly.class);

    private AnomalyPublisher() {
    }

    /** @return records published */
    public static int publish(String bootstrapServers, String topic, Table anomalies, long baselineMs, Clock clock) {
        createIfMissing(bootstrapServers, topic);
        int sent = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), new ByteArraySerializer())) {
            for (List<Object> row : anomalies.rows()) {
                SpendAnomaly anomaly = SpendAnomaly.newBuilder()
                        .setScope((String) row.get(0)).setScopeKey((String) row.get(1))
                        .setWindowStartMs(((Number) row.get(2)).longValue()).setWindowMs(((Number) row.get(3)).longValue())
                        .setSpentMicros(((Number) row.get(4)).longValue()).setBaselineMicros(((Number) row.get(5)).longValue())
                        .setBaselineMs(baselineMs).setDetectedAtMs(clock.millis())
                        .build();
                String key = anomaly.getScope() + ":" + anomaly.getScopeKey() + ":" + anomaly.getWindowStartMs();
                producer.send(new ProducerRecord<>(topic, key, CODEC.encode(anomaly))).get();
                sent++;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted publishing anomalies", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot publish anomalies to " + topic + ": " + e.getCause().getMessage(), e.getCause());
        }
        return sent;
    }

    private static void createIfMissing(String bootstrapServers, String topic) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)))).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create " + topic + ": " + e.getCause().getMessage(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
