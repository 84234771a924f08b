package io.llmpipeline.router.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsConfig;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.CatalogLoader;
import io.llmpipeline.catalog.TopicPlan;
import io.llmpipeline.router.BrokerTopics;
import io.llmpipeline.router.Requests;
import io.llmpipeline.router.Router;
import io.llmpipeline.schemas.ChatMessage;
import io.llmpipeline.schemas.Codecs;
import io.llmpipeline.schemas.Priority;
import io.llmpipeline.schemas.Role;
import io.llmpipeline.testkit.KafkaFixture;

/**
 * Router alone: pre-loads N distinct requests on the broker, starts one router instance and times
 * it until its committed offsets on the request topic reach the end (with exactly-once, the output
 * is committed in the same transaction). Not a test; run it by hand:
 * <pre>
 *   java -cp ... io.llmpipeline.router.bench.RouterThroughput [requests] [exactly_once_v2|at_least_once] [default|minimal]
 * </pre>
 * "default" is the bundled catalog (cache on, tenant and provider budgets); "minimal" turns the
 * cache off and has no budgets, leaving decode, validation, tokens and assignment.
 */
public final class RouterThroughput {
    private RouterThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        String guarantee = args.length > 1 ? args[1] : "exactly_once_v2";
        String variant = args.length > 2 ? args[2] : "default";
        KafkaFixture kafka = KafkaFixture.shared();
        Catalog base = variant.equals("minimal") ? minimal() : CatalogLoader.loadDefault();
        Catalog catalog = base.withNamePrefix(KafkaFixture.uniquePrefix("bench-" + guarantee));
        try (Admin admin = kafka.admin()) {
            TopicPlan.create(admin, catalog.topics());
            long loadStart = System.nanoTime();
            java.util.concurrent.atomic.AtomicLong failed = new java.util.concurrent.atomic.AtomicLong();
            java.util.concurrent.atomic.AtomicReference<String> lastError = new java.util.concurrent.atomic.AtomicReference<>();
            try (KafkaProducer<String, byte[]> producer = BrokerTopics.producer(kafka.bootstrapServers())) {
                // a topic created a moment ago may not have leaders everywhere yet; a batch sent then can stall
                while (producer.partitionsFor(catalog.topics().requests()).stream().anyMatch(p -> p.leader() == null)) {
                    Thread.sleep(100);
                }
                Thread.sleep(1_000);
                Priority[] priorities = Priority.values();
                for (int i = 0; i < n; i++) {
                    String id = "b-" + i;
                    byte[] value = Codecs.REQUEST.encode(Requests.valid(id).setTenantId("tenant-" + (i % 50))
                            .setPriority(priorities[i % priorities.length])
                            .setMessages(List.of(new ChatMessage(Role.SYSTEM, "You are a concise assistant.", null, null),
                                    new ChatMessage(Role.USER, "Summarise ticket #" + i + ": the printer on floor "
                                            + (i % 7) + " jams whenever duplex printing is on.", null, null)))
                            .build());
                    producer.send(new ProducerRecord<>(catalog.topics().requests(), catalog.bands().partitionFor(
                            priorities[i % priorities.length], id), id, value), (meta, e) -> {
                                if (e != null) {
                                    failed.incrementAndGet();
                                    lastError.set(e.toString());
                                }
                            });
                }
                producer.flush();
                if (failed.get() > 0) {
                    throw new IllegalStateException(failed.get() + " requests were not loaded: " + lastError.get());
                }
            }
            System.out.printf("pre-loaded %d requests in %d ms%n", n, (System.nanoTime() - loadStart) / 1_000_000);
            Map<TopicPartition, Long> ends = endOffsets(admin, catalog.topics().requests(), catalog.bands().totalPartitions());

            Path state = Files.createTempDirectory("router-bench-");
            long start = System.nanoTime();
            try (Router router = Router.start(catalog, kafka.bootstrapServers(), state, Map.of(
                    StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee,
                    StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100))) {
                String group = catalog.config().router().applicationId();
                while (!drained(admin, group, ends)) {
                    Thread.sleep(100);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("RESULT variant=%s guarantee=%s requests=%d seconds=%.2f records_per_second=%.0f "
                                + "(includes start-up and the first rebalance)%n",
                        variant, guarantee, n, seconds, n / seconds);
            }
        }
        System.exit(0);
    }

    private static Catalog minimal() throws java.io.IOException {
        String yaml = new String(CatalogLoader.class.getClassLoader().getResourceAsStream(CatalogLoader.DEFAULT_RESOURCE).readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        yaml = yaml.substring(0, yaml.indexOf("\n# Routes:")) + """

                routes:
                  - match: ""
                    candidates: [gpt-4o-mini, gpt-3.5-turbo]
                cache: {policy: disabled}
                """;
        return CatalogLoader.parse(yaml, "minimal", k -> null);
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, String topic, int partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> specs = java.util.stream.IntStream.range(0, partitions).boxed()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p), p -> OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> infos = admin.listOffsets(specs).all().get();
        return infos.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    private static boolean drained(Admin admin, String group, Map<TopicPartition, Long> ends) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        Set<TopicPartition> partitions = ends.keySet();
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata offset = committed.get(tp);
            if (ends.get(tp) > 0 && (offset == null || offset.offset() < ends.get(tp))) {
                return false;
            }
        }
        return true;
    }
}
