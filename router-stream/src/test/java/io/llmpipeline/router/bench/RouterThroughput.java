package io.llmpipeline.router.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;

import io.llmpipeline.catalog.TopicLeaders;
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
 * Router alone: pre-loads N requests on the broker, starts one router instance and times it until
 * N outputs are readable (read_committed) at the end of the pipeline. Not a test; run it by hand:
 * <pre>
 *   java -cp ... io.llmpipeline.router.bench.RouterThroughput [requests] [exactly_once_v2|at_least_once] [default|minimal]
 * </pre>
 * "default" is the bundled catalog (cache on, tenant and provider budgets), every prompt distinct;
 * "minimal" turns the cache off and has no budgets, leaving decode, validation, tokens and
 * assignment; "hits" is the default catalog with only K distinct prompts (4th argument, default
 * 100) and a worker double answering the leaders, so nearly every request is a cache hit or waiter.
 */
public final class RouterThroughput {
    private RouterThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        String guarantee = args.length > 1 ? args[1] : "exactly_once_v2";
        String variant = args.length > 2 ? args[2] : "default";
        // "hits": the default catalog, but only this many distinct prompts, answered by a worker double
        int distinct = variant.equals("hits") ? (args.length > 3 ? Integer.parseInt(args[3]) : 100) : n;
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
                TopicLeaders.await(admin, List.of(catalog.topics().requests()), java.time.Duration.ofSeconds(30));
                Thread.sleep(1_000);
                Priority[] priorities = Priority.values();
                for (int i = 0; i < n; i++) {
                    String id = "b-" + i;
                    byte[] value = Codecs.REQUEST.encode(Requests.valid(id).setTenantId("tenant-" + (i % 50))
                            .setPriority(priorities[i % priorities.length])
                            .setMessages(List.of(new ChatMessage(Role.SYSTEM, "You are a concise assistant.", null, null),
                                    new ChatMessage(Role.USER, "Summarise ticket #" + (i % distinct) + ": the printer on floor "
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

            Path state = Files.createTempDirectory("router-bench-");
            long start = System.nanoTime();
            try (Router router = Router.start(catalog, kafka.bootstrapServers(), state, Map.of(
                    StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee,
                    StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100));
                 AutoCloseable worker = variant.equals("hits")
                         ? new io.llmpipeline.router.WorkerDouble(kafka.bootstrapServers(), catalog.topics(), a -> 100) : () -> { }) {
                // the end of the pipeline: one assignment per request, or with "hits" one result per request
                String output = variant.equals("hits") ? catalog.topics().results() : catalog.topics().assigned();
                long seen = 0;
                try (var consumer = BrokerTopics.consumer(kafka.bootstrapServers(), output)) {
                    while (seen < n) {
                        seen += consumer.poll(Duration.ofMillis(100)).count();
                    }
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
}
