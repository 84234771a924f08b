package io.llmpipeline.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.llmpipeline.analytics.dashboard.DashboardServer;
import io.llmpipeline.client.LlmClient;
import io.llmpipeline.client.Requests;
import io.llmpipeline.schemas.BatchState;
import io.llmpipeline.schemas.BatchStatus;
import io.llmpipeline.schemas.Codecs;
import io.llmpipeline.schemas.GenerationParams;
import io.llmpipeline.schemas.InvocationEvent;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.Priority;
import io.llmpipeline.testkit.KafkaFixture;
import picocli.CommandLine;

/**
 * Cost analytics on the real pipeline (broker, router, worker, simulator): labelled requests
 * from three tenants, some answered from the cache; the reports' total equals the billed cost on
 * llm.invocations to the micro-dollar, and the dashboard shows the same figures in a real
 * headless Chromium.
 */
class AnalyticsEndToEndTest {
    static final String[] TENANTS = {"acme", "globex", "initech"};
    static final String[] TASKS = {"chat", "summarize.email", "classify", "translate"};

    @TempDir
    static Path workDir;
    static String prefix;
    static LocalPipeline pipeline;
    static long billedOnTopic;
    static List<InvocationEvent> invocations;

    @BeforeAll
    static void runLabelledTraffic() throws Exception {
        prefix = KafkaFixture.uniquePrefix("analytics");
        pipeline = LocalPipeline.start(LocalPipeline.Options.defaults(workDir.resolve("pipeline"))
                .withBootstrap(KafkaFixture.shared().bootstrapServers())
                .withAdjust(catalog -> catalog.withNamePrefix(prefix)));
        try (LlmClient client = LlmClient.connect(pipeline.catalog(), pipeline.bootstrapServers())) {
            List<CompletableFuture<LlmResult>> futures = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                futures.add(client.submit(Requests.chat(TENANTS[i % 3], TASKS[i % 4], Priority.NORMAL, "question " + i)
                        .setParams(GenerationParams.newBuilder().setMaxTokens(64).build())
                        .setMetadata(i % 5 == 0 ? Map.of() : Map.of("team", i % 2 == 0 ? "search" : "ads", "user", "u-" + i))
                        .build(), Duration.ofSeconds(60)));
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(90, TimeUnit.SECONDS);
            // a deterministic question asked three times: the second and third are cache hits
            for (int i = 0; i < 3; i++) {
                LlmResult r = client.submit(Requests.chat("acme", "chat", Priority.HIGH, "what is the capital of France?")
                        .setParams(GenerationParams.newBuilder().setMaxTokens(64).setTemperature(0.0).build())
                        .build(), Duration.ofSeconds(60)).get(60, TimeUnit.SECONDS);
                assertThat(r.getCacheHit()).isEqualTo(i > 0);
            }
        }
        invocations = TopicReader.readAll(pipeline.bootstrapServers(), pipeline.catalog().topics().invocations(), Codecs.INVOCATION::decode);
        assertThat(invocations).hasSize(61);
        billedOnTopic = invocations.stream().filter(InvocationEvent::getBilled).mapToLong(InvocationEvent::getCostMicros).sum();
        assertThat(billedOnTopic).isPositive();
    }

    @AfterAll
    static void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    private static List<String> run(Object command, String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        if (command instanceof CostsCommand costs) {
            costs.out = out;
        }
        PrintStream original = System.out;
        int exit;
        if (command instanceof CostsCommand) {
            exit = new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        } else {
            System.setOut(out); // the export command prints its summary line to stdout
            try {
                exit = new CommandLine(command).execute(args);
            } finally {
                System.setOut(original);
            }
        }
        assertThat(exit).as(bytes.toString(StandardCharsets.UTF_8)).isZero();
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void shouldReportATotalEqualToTheBilledCostOnTheInvocationsTopicToTheMicroDollar() {
        List<String> csv = run(new CostsCommand(), "--bootstrap", pipeline.bootstrapServers(), "--name-prefix", prefix,
                "--by", "tenant,model,task_type,label:team", "--since", "7d", "--format", "csv");

        assertThat(csv.getLast()).isEqualTo("costs: total_micros=" + billedOnTopic + " rows=" + (csv.size() - 2));
        List<String> header = List.of(csv.getFirst().split(","));
        int spend = header.indexOf("spend_micros");
        int team = header.indexOf("label:team");
        long sumOfRows = csv.subList(1, csv.size() - 1).stream().mapToLong(line -> Long.parseLong(line.split(",")[spend])).sum();
        assertThat(sumOfRows).isEqualTo(billedOnTopic);
        assertThat(csv.subList(1, csv.size() - 1)).extracting(line -> line.split(",")[team]).contains("search", "ads", "(none)");
        assertThat(String.join("\n", csv)).as("only configured label keys reach the events").doesNotContain("u-1");
    }

    @Test
    void shouldExportOnceToADirectoryAndReportTheSameTotalFromTheParquetFiles() {
        Path out = workDir.resolve("export");
        assertThat(run(new ExportCommand(), "--bootstrap", pipeline.bootstrapServers(), "--name-prefix", prefix, "--out", out.toString()).getLast())
                .startsWith("export: records=" + (61 + 63) + " rejected=0"); // 61 attempts, 63 results
        assertThat(run(new ExportCommand(), "--bootstrap", pipeline.bootstrapServers(), "--name-prefix", prefix, "--out", out.toString()).getLast())
                .isEqualTo("export: records=0 rejected=0 files=0");

        assertThat(run(new CostsCommand(), "--data", out.toString(), "--by", "label:team").getLast())
                .isEqualTo("costs: total_micros=" + billedOnTopic + " rows=3");
        List<String> cache = run(new CostsCommand(), "--data", out.toString(), "--report", "cache", "--format", "json");
        assertThat(String.join("\n", cache)).contains("\"cache_hits\" : 2");
        List<String> sql = run(new CostsCommand(), "--data", out.toString(), "--sql",
                "SELECT count(*) AS attempts, sum(cost_micros) AS billed FROM invocations WHERE billed");
        assertThat(sql.get(1).strip().split("\\s+")).containsExactly("61", String.valueOf(billedOnTopic));
    }

    @Test
    void shouldShowRealFiguresInTheDashboardInHeadlessChromium() throws Exception {
        Path chromium = java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "/usr/bin").split(java.io.File.pathSeparator))
                .flatMap(dir -> java.util.stream.Stream.of("chromium", "chromium-browser").map(name -> Path.of(dir, name)))
                .filter(Files::isExecutable).findFirst().orElse(null);
        Assumptions.assumeTrue(chromium != null,
                "chromium is not on the PATH (apt-get install chromium); the dashboard's browser test is skipped");
        // the pipeline created llm.batches; a batch's state as the batch tracker writes it
        String batches = pipeline.catalog().topics().batches();
        BatchState nightly = BatchState.newBuilder().setBatchId("batch-nightly-evals").setStatus(BatchStatus.IN_PROGRESS)
                .setTotal(5000).setCompleted(3120).setFailed(4).build();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                pipeline.bootstrapServers()), new StringSerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(batches, nightly.getBatchId(), Codecs.BATCH_STATE.encode(nightly))).get();
        }
        try (DashboardServer dashboard = DashboardServer.start(pipeline.catalog(), pipeline.bootstrapServers(),
                workDir.resolve("dashboard-data"), 0)) {
            HttpClient http = HttpClient.newHttpClient();
            ObjectMapper json = new ObjectMapper();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
                Map<?, ?> summary = json.readValue(get(http, dashboard.url() + "api/summary"), Map.class);
                List<?> health = json.readValue(get(http, dashboard.url() + "api/health"), List.class);
                return ((Number) summary.get("spend_micros")).longValue() == billedOnTopic && !health.isEmpty();
            });

            String dom = dumpDom(chromium, dashboard.url());

            assertThat(dom).contains("data-ready=\"true\"");
            assertThat(dom).contains("data-micros=\"" + billedOnTopic + "\"");
            assertThat(dom).containsPattern("id=\"chart-tenant\"[^>]*data-series=\"[^\"]*acme");
            assertThat(dom).contains("data-total-micros=\"" + billedOnTopic + "\"");
            assertThat(dom).contains("gpt-4o-mini").contains("badge CLOSED");
            assertThat(dom).contains("tenant acme · daily");
            assertThat(dom).contains("batch-nightly-evals").contains("IN_PROGRESS");
            assertThat(dom).contains("2 cache hits of 63 results");

            screenshot(chromium, dashboard.url(), Path.of("target", "dashboard.png"));
        }
    }

    private static String get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String dumpDom(Path chromium, String url) throws Exception {
        return chromium(chromium, List.of("--dump-dom", url));
    }

    private static void screenshot(Path chromium, String url, Path png) throws Exception {
        Files.createDirectories(png.getParent());
        chromium(chromium, List.of("--window-size=1440,1640", "--hide-scrollbars", "--screenshot=" + png.toAbsolutePath(), url));
        assertThat(png).isNotEmptyFile();
    }

    private static String chromium(Path chromium, List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--user-data-dir=" + Files.createTempDirectory(workDir, "chromium"),
                "--virtual-time-budget=15000"));
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("chromium finished").isTrue();
            return out.get(10, TimeUnit.SECONDS);
        } finally {
            // the renderer and GPU processes too, should the browser itself hang
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
