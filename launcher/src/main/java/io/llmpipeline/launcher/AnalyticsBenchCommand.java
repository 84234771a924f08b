package io.llmpipeline.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.llmpipeline.analytics.report.AnalyticsStore;
import io.llmpipeline.analytics.report.CostReports;
import io.llmpipeline.analytics.report.Dimension;
import io.llmpipeline.analytics.report.Table;
import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.CatalogLoader;
import io.llmpipeline.catalog.CatalogWriter;
import io.llmpipeline.kafka.embedded.EmbeddedKafkaBroker;
import io.llmpipeline.schemas.Codecs;
import io.llmpipeline.schemas.InvocationEvent;
import io.llmpipeline.schemas.InvocationOutcome;
import io.llmpipeline.schemas.Usage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measures the export: generates real Avro InvocationEvents on an embedded broker, exports them",
                "in a child JVM with a fixed heap limit, then times a DuckDB report over the Parquet files. Last line:",
                "analytics-bench: events=N produce_eps=X export_eps=X export_heap_peak_mb=N export_xmx_mb=N parquet_mb=X query_s=X"})
final class AnalyticsBenchCommand implements Callable<Integer> {
    private static final String[] MODELS = {"gpt-4o-mini", "gpt-4o", "gpt-3.5-turbo", "claude-3-5-haiku", "gemini-1.5-flash", "llama3.1-8b"};
    private static final String[] TASKS = {"chat", "summarize.email", "classify", "translate", "draft", "reason.math"};

    @Option(names = "--events", defaultValue = "1000000", description = "Invocation events to generate (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--export-heap-mb", defaultValue = "256", description = "The exporting JVM's -Xmx (default: ${DEFAULT-VALUE}).")
    int exportHeapMb;

    @Option(names = "--work-dir", defaultValue = ".pipeline/analytics-bench", description = "Broker data and Parquet (default: ${DEFAULT-VALUE}; emptied first).")
    Path workDir;

    @Override
    public Integer call() throws Exception {
        WorkDirs.deleteRecursively(workDir);
        Files.createDirectories(workDir);
        Catalog catalog = CatalogLoader.loadDefault();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(workDir.resolve("kafka"), 0)) {
            String bootstrap = broker.bootstrapServers();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.createTopics(List.of(new NewTopic(catalog.topics().invocations(), Optional.of(catalog.topics().partitions()), Optional.empty()),
                        new NewTopic(catalog.topics().results(), Optional.of(catalog.topics().partitions()), Optional.empty()))).all().get();
            }
            long produceStart = System.nanoTime();
            produce(bootstrap, catalog.topics().invocations());
            double produceSeconds = (System.nanoTime() - produceStart) / 1e9;
            System.err.printf("produced %,d events in %.1f s%n", events, produceSeconds);

            Path out = workDir.resolve("parquet");
            Map<String, String> export = exportInChild(catalog, bootstrap, out);
            long exported = Long.parseLong(export.get("records"));
            double exportSeconds = Long.parseLong(export.get("elapsed_ms")) / 1000.0;

            long queryStart = System.nanoTime();
            long total;
            try (AnalyticsStore store = AnalyticsStore.open(out)) {
                Table spend = new CostReports(store, java.time.Clock.systemUTC()).spend(Dimension.parseList("tenant,model,label:team"), null);
                total = spend.sum("spend_micros");
                new CostReports(store, java.time.Clock.systemUTC()).modelRankings(null);
            }
            double querySeconds = (System.nanoTime() - queryStart) / 1e9;
            System.err.printf("exported %,d events (total %,d micro-dollars); spend by tenant,model,label:team plus model rankings in %.2f s%n",
                    exported, total, querySeconds);
            System.out.printf(java.util.Locale.ROOT,
                    "analytics-bench: events=%d produce_eps=%.0f export_eps=%.0f export_heap_peak_mb=%s export_xmx_mb=%d parquet_mb=%.1f query_s=%.2f%n",
                    exported, events / produceSeconds, exported / exportSeconds, export.get("heap_peak_mb"), exportHeapMb,
                    size(out) / 1e6, querySeconds);
            return exported == events ? 0 : 1;
        }
    }

    private void produce(String bootstrap, String topic) throws Exception {
        SplittableRandom random = new SplittableRandom(42);
        long now = System.currentTimeMillis();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024), new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < events; i++) {
                String model = MODELS[random.nextInt(MODELS.length)];
                int in = 200 + random.nextInt(3_000);
                int outTokens = 20 + random.nextInt(800);
                boolean failed = random.nextInt(50) == 0;
                long ended = now - random.nextLong(7L * 24 * 3_600_000);
                InvocationEvent event = InvocationEvent.newBuilder()
                        .setEventId("bench-" + i + "/1").setRequestId("bench-" + i)
                        .setTenantId("tenant-" + random.nextInt(50)).setTaskType(TASKS[random.nextInt(TASKS.length)])
                        .setAttempt(1).setProvider("sim").setModel(model)
                        .setStartedAtMs(ended - 200 - random.nextInt(3_000)).setEndedAtMs(ended)
                        .setOutcome(failed ? InvocationOutcome.FAILURE : InvocationOutcome.SUCCESS)
                        .setUsage(new Usage(in, failed ? 0 : outTokens, 0, 0))
                        .setCostMicros(in / 4 + outTokens).setBilled(true).setFinalAttempt(true)
                        .setWorkerId("worker-" + random.nextInt(4))
                        .setLabels(Map.of("team", "team-" + random.nextInt(8), "project", "project-" + random.nextInt(20)))
                        .build();
                producer.send(new ProducerRecord<>(topic, event.getRequestId(), Codecs.INVOCATION.encode(event)));
            }
            producer.flush();
        }
    }

    /** Runs {@code analytics export} in its own JVM so its heap is measured apart from the broker's. */
    private Map<String, String> exportInChild(Catalog catalog, String bootstrap, Path out) throws IOException, InterruptedException {
        Path config = workDir.resolve("pipeline.yaml");
        Files.writeString(config, CatalogWriter.toYaml(catalog), StandardCharsets.UTF_8);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + exportHeapMb + "m", "-XX:+UseParallelGC",
                "--enable-native-access=ALL-UNNAMED"));
        if (Runtime.version().feature() >= 24) {
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), PipelineCli.class.getName(),
                "analytics", "export", "--bootstrap", bootstrap, "--out", out.toString(), "--config", config.toString(), "--report-heap"));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Thread stopChild = new Thread(process::destroyForcibly, "stop-export-child");
        Runtime.getRuntime().addShutdownHook(stopChild);
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException("the export failed: " + output);
            }
            String last = output.strip().lines().reduce((a, b) -> b).orElse("");
            Map<String, String> figures = new java.util.HashMap<>();
            for (String pair : last.replace("export: ", "").split(" ")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    figures.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
            }
            return figures;
        } finally {
            process.destroyForcibly();
            Runtime.getRuntime().removeShutdownHook(stopChild);
        }
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
