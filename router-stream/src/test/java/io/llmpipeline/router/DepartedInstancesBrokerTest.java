package io.llmpipeline.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.llmpipeline.testkit.KafkaFixture;

/**
 * A member that leaves the router's group with a transaction open (as a killed instance does)
 * has that transaction aborted by the survivors, long before the broker's own timeout would.
 */
class DepartedInstancesBrokerTest {

    @Test
    void shouldThreadNumbersByProcessFromStreamsClientIds() {
        String pid = "0f8e4a52-1c1b-4d52-9a55-2f0c1d6e7a10";
        var threads = DepartedInstances.threadsByProcess(List.of("app-" + pid + "-StreamThread-1-consumer",
                "app-" + pid + "-StreamThread-2-consumer", "app-" + pid + "-StreamThread-1-restore-consumer", "someone-else"));

        assertThat(threads).isEqualTo(Map.of(pid, Set.of(1, 2)));
        assertThat(DepartedInstances.transactionalId("app", pid, 2)).isEqualTo("app-" + pid + "-2");
    }

    @Test
    void shouldAbortTheOpenTransactionOfAMemberThatLeftTheGroup() throws Exception {
        KafkaFixture kafka = KafkaFixture.shared();
        String app = KafkaFixture.uniquePrefix("departed");
        String topic = app + "-out";
        try (Admin admin = kafka.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        String pid = UUID.randomUUID().toString();
        // the departed instance: a consumer in the group under Streams' client id, and its transactional producer
        // with a transaction left open; its timeout (5 min) is far beyond this test, so only a fence ends it
        KafkaConsumer<String, byte[]> member = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, app,
                ConsumerConfig.CLIENT_ID_CONFIG, app + "-" + pid + "-StreamThread-1-consumer"),
                new StringDeserializer(), new ByteArrayDeserializer());
        member.subscribe(List.of(topic));
        KafkaProducer<String, String> zombie = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, DepartedInstances.transactionalId(app, pid, 1),
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 300_000),
                new StringSerializer(), new StringSerializer());
        zombie.initTransactions();
        zombie.beginTransaction();
        zombie.send(new ProducerRecord<>(topic, "open", "never committed")).get();

        try (DepartedInstances watcher = DepartedInstances.watch(app, kafka.bootstrapServers(), List::of, Duration.ofMillis(200));
             KafkaProducer<String, String> plain = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                     kafka.bootstrapServers()), new StringSerializer(), new StringSerializer());
             KafkaConsumer<String, byte[]> reader = BrokerTopics.consumer(kafka.bootstrapServers(), topic)) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                member.poll(Duration.ofMillis(100));
                return !member.assignment().isEmpty();
            });
            // the watcher must have seen the member in the group, or it has nobody to miss
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                member.poll(Duration.ofMillis(50));
                return watcher.sees(pid);
            });
            plain.send(new ProducerRecord<>(topic, "after", "committed")).get();
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                reader.poll(Duration.ofMillis(100)).forEach(r -> seen.add(r.key()));
            }
            assertThat(seen).as("the open transaction holds read_committed readers back").isEmpty();

            member.close(); // leaves the group, as a killed member does when its session runs out

            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(100))) {
                    seen.add(r.key());
                }
                return seen.contains("after");
            });
            assertThat(seen).containsExactly("after");
        } finally {
            zombie.close(Duration.ZERO);
        }
    }
}
