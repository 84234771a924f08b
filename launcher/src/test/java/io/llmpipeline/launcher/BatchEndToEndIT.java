package io.llmpipeline.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.llmpipeline.batch.BatchResults;
import io.llmpipeline.batch.BatchSubmitter;
import io.llmpipeline.batch.Batches;
import io.llmpipeline.batch.SubmitOptions;
import io.llmpipeline.batch.SubmitResult;
import io.llmpipeline.schemas.BatchState;
import io.llmpipeline.schemas.BatchStatus;
import io.llmpipeline.schemas.Codecs;
import io.llmpipeline.schemas.ErrorKind;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.sim.FaultScript;
import io.llmpipeline.testkit.KafkaFixture;
import picocli.CommandLine;

/**
 * Batch jobs through the whole local pipeline on the real broker: submitter, router, worker,
 * simulator, batch tracker. The worker holds at most 50 requests at once, so that work queues in
 * front of it as it would in front of a busy pool, and a cancel finds requests not yet sent.
 */
class BatchEndToEndIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration LONG = Duration.ofSeconds(120);

    @TempDir
    static Path workDir;
    static String prefix;
    static LocalPipeline pipeline;
    static Batches batches;

    @TempDir
    Path dir;

    @BeforeAll
    static void startPipeline() {
        prefix = KafkaFixture.uniquePrefix("batch");
        pipeline = LocalPipeline.start(LocalPipeline.Options.defaults(workDir)
                .withBootstrap(KafkaFixture.shared().bootstrapServers())
                .withAdjust(catalog -> catalog.withNamePrefix(prefix))
                .withAdjust(catalog -> catalog.with(c -> c.withWorker(c.worker().withMaxInFlight(50)))));
        batches = Batches.connect(pipeline.catalog(), pipeline.bootstrapServers());
    }

    @AfterAll
    static void stopPipeline() {
        batches.close();
        pipeline.close();
    }

    @BeforeEach
    void healthyProviders() {
        pipeline.simulator().clearScripts();
        pipeline.simulator().resetStats();
    }

    @Test
    void shouldFailValidationListingEveryBadLineThenRunTenThousandLinesWithSkipInvalidIntoOneAnswerEach() throws Exception {
        Path input = dir.resolve("ten-thousand.jsonl");
        List<Integer> bad = List.of(7, 1_000, 1_001, 4_242, 9_999);
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= 10_000; i++) {
            lines.add(switch (bad.indexOf(i)) {
                case 0 -> "{broken";
                case 1 -> openAi("line-" + i, "no-such-model", "q");
                case 2 -> openAi("line-3", "gpt-4o-mini", "duplicate of line 3");
                case 3 -> "{\"custom_id\": \"line-" + i + "\", \"method\": \"GET\", \"url\": \"/v1/chat/completions\", \"body\": {}}";
                case 4 -> "";
                default -> openAi("line-" + i, "gpt-4o-mini", "question " + i);
            });
        }
        Files.write(input, lines);

        SubmitResult refused = batches.submit(input, SubmitOptions.forTenant("e2e-valid"));
        assertThat(refused.endReason()).isEqualTo("validation_failed");
        List<JsonNode> errors = jsonLines(refused.errorsFile());
        assertThat(errors).extracting(e -> e.at("/error/line").asInt()).containsExactlyElementsOf(bad);
        assertThat(errors.get(2).path("custom_id").asText()).isEqualTo("line-3");
        assertThat(errors.get(2).at("/error/message").asText()).isEqualTo("duplicate custom_id (first on line 3)");
        assertThat(batches.await(refused.batchId(), LONG).orElseThrow().getStatus()).isEqualTo(BatchStatus.FAILED);
        assertThat(pipeline.simulator().stats().totalCalls()).isZero();

        SubmitResult ran = batches.submit(input, SubmitOptions.forTenant("e2e-valid").withSkipInvalid(true));
        assertThat(ran.batchId()).isNotEqualTo(refused.batchId());
        BatchState done = batches.await(ran.batchId(), LONG).orElseThrow();

        assertThat(done.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(done.getTotal()).isEqualTo(9_995);
        assertThat(done.getCompleted()).isEqualTo(9_995);
        assertThat(done.getInvalid()).isEqualTo(5);
        assertThat(pipeline.simulator().stats().totalCalls()).isEqualTo(9_995);
        List<LlmResult> results = resultsOf(ran.batchId());
        assertThat(done.getCostMicros()).isPositive().isEqualTo(results.stream().mapToLong(LlmResult::getCostMicros).sum());
        assertThat(reportedSpendOf(ran.batchId())).as("cost reports by the batch_id label").isEqualTo(done.getCostMicros());
        Path out = dir.resolve("out.jsonl");
        Path err = dir.resolve("err.jsonl");
        BatchResults.Summary summary = batches.results(ran.batchId(), out, err, null);
        assertThat(summary.complete()).isTrue();
        List<JsonNode> answers = jsonLines(out);
        assertThat(answers).hasSize(9_995);
        assertThat(answers).extracting(a -> a.path("custom_id").asText()).doesNotHaveDuplicates();
        assertThat(answers.get(0).path("custom_id").asText()).isEqualTo("line-1"); // input order
        assertThat(answers.get(0).at("/response/body/choices/0/message/content").asText()).endsWith("question 1");
        assertThat(answers).allSatisfy(a -> assertThat(a.at("/response/body/usage/prompt_tokens").asInt()).isPositive());
        assertThat(jsonLines(err)).hasSize(5);
    }

    @Test
    void shouldCancelHalfWaySoWhatWasNotSentIsCancelledUnbilledAndWhatWasCalledIsBilled() throws Exception {
        pipeline.simulator().script("*", FaultScript.none().withLatency(300, 0));
        Path input = file("cancel.jsonl", 600, i -> openAi("c-" + i, "gpt-4o-mini", "slow " + i));
        Thread submitter = Thread.ofPlatform().start(() ->
                batches.submit(input, SubmitOptions.forTenant("e2e-cancel").withMaxOutstanding(300)));
        String id = awaitBatchOf(input, "e2e-cancel");
        batches.await(id, s -> s.getCompleted() >= 20, LONG);

        batches.cancel(id);
        submitter.join(LONG.toMillis());
        BatchState end = batches.await(id, LONG).orElseThrow();

        assertThat(end.getStatus()).isEqualTo(BatchStatus.CANCELLED);
        assertThat(end.getCompleted() + end.getCancelled()).isEqualTo(600);
        assertThat(end.getFailed()).isZero();
        assertThat(end.getCancelled()).isPositive();
        List<LlmResult> results = resultsOf(id);
        List<LlmResult> cancelledByWorker = results.stream()
                .filter(r -> r.getError() != null && r.getError().getKind() == ErrorKind.CANCELLED).toList();
        assertThat(cancelledByWorker).as("requests queued before the worker when the cancel came").isNotEmpty()
                .allSatisfy(r -> assertThat(r.getCostMicros()).isZero());
        assertThat(pipeline.simulator().stats().totalCalls()).as("every call made was answered and billed")
                .isEqualTo(end.getCompleted());
        assertThat(end.getCostMicros()).isPositive().isEqualTo(results.stream().mapToLong(LlmResult::getCostMicros).sum());
        Path out = dir.resolve("out.jsonl");
        Path err = dir.resolve("err.jsonl");
        batches.results(id, out, err, null);
        assertThat(jsonLines(out)).hasSize((int) end.getCompleted());
        assertThat(jsonLines(err)).hasSize((int) end.getCancelled())
                .allSatisfy(e -> assertThat(e.at("/error/code").asText()).isEqualTo("batch_cancelled"));
    }

    @Test
    void shouldExpireWhatIsNotDoneWhenTheCompletionWindowEnds() throws Exception {
        pipeline.simulator().script("*", FaultScript.none().withLatency(10_000, 0));
        Path input = file("expire.jsonl", 200, i -> anthropic("e-" + i, "slow " + i));

        SubmitResult submitted = batches.submit(input, SubmitOptions.forTenant("e2e-expire").withTaskType("draft")
                .withCompletionWindow(Duration.ofSeconds(3)));
        BatchState end = batches.await(submitted.batchId(), LONG).orElseThrow();

        assertThat(end.getStatus()).isEqualTo(BatchStatus.EXPIRED);
        assertThat(end.getExpired()).isEqualTo(200);
        assertThat(end.getCostMicros()).isZero();
        Path out = dir.resolve("out.jsonl");
        batches.results(submitted.batchId(), out, dir.resolve("err.jsonl"), null);
        assertThat(jsonLines(out)).hasSize(200).allSatisfy(r -> assertThat(r.at("/result/type").asText()).isEqualTo("expired"));
    }

    /** In-JVM abort rather than a killed child process: seconds instead of a JVM start; the bench does the real kill -9. */
    @Test
    void shouldAddNothingTwiceWhenASubmitterKilledHalfWayIsRunAgain() throws Exception {
        Path input = file("resume.jsonl", 2_000, i -> openAi("r-" + i, "gpt-4o-mini", "resume " + i));
        SubmitOptions options = SubmitOptions.forTenant("e2e-resume").withMaxOutstanding(500);
        try {
            batches.submit(input, options.withAbortAfterLines(1_000));
        } catch (BatchSubmitter.Aborted expected) {
            // the crash
        }

        SubmitResult resumed = batches.submit(input, options); // the same command again
        BatchState end = batches.await(resumed.batchId(), LONG).orElseThrow();

        assertThat(resumed.resumed()).isTrue();
        assertThat(end.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(end.getCompleted()).isEqualTo(2_000);
        assertThat(pipeline.simulator().stats().totalCalls()).as("provider calls").isEqualTo(2_000);
        Path out = dir.resolve("out.jsonl");
        batches.results(resumed.batchId(), out, dir.resolve("err.jsonl"), null);
        List<JsonNode> answers = jsonLines(out);
        assertThat(answers).hasSize(2_000);
        assertThat(answers).extracting(a -> a.path("custom_id").asText()).doesNotHaveDuplicates();
        Set<String> requestIds = new HashSet<>();
        resultsOf(resumed.batchId()).forEach(r -> requestIds.add(r.getRequestId()));
        assertThat(requestIds).hasSize(2_000);
    }

    @Test
    void shouldResumeByIdUnderTheBatchsOwnTenantWhateverTheCallerSays() throws Exception {
        Path input = file("resume-by-id.jsonl", 600, i -> openAi("t-" + i, "gpt-4o-mini", "resume by id " + i));
        SubmitOptions options = SubmitOptions.forTenant("e2e-resume-owner").withMaxOutstanding(200);
        try {
            batches.submit(input, options.withAbortAfterLines(300));
        } catch (BatchSubmitter.Aborted expected) {
            // the crash
        }
        String batchId = awaitBatchOf(input, "e2e-resume-owner");

        // `batch submit --resume ID` run by someone who left --tenant at its default
        SubmitResult resumed = batches.resume(batchId, null, SubmitOptions.forTenant("default"), (phase, done, total) -> { });
        BatchState end = batches.await(resumed.batchId(), LONG).orElseThrow();

        assertThat(end.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(end.getCompleted()).isEqualTo(600);
        assertThat(pipeline.simulator().stats().totalCalls()).as("provider calls").isEqualTo(600);
        assertThat(resultsOf(batchId)).extracting(LlmResult::getTenantId).containsOnly("e2e-resume-owner");
    }

    @Test
    void shouldStopAdmittingBeforeTheBatchCouldPassItsBudget() throws Exception {
        Path input = file("budget.jsonl", 300, i -> openAi("b-" + i, "gpt-4o-mini", "budget " + i));
        long cap = 1_000; // $0.001: each line's worst case is ~10 micro-dollars (max_tokens 16 at $0.60/M plus input)

        SubmitResult submitted = batches.submit(input, SubmitOptions.forTenant("e2e-budget").withMaxCostMicros(cap));
        BatchState end = batches.await(submitted.batchId(), LONG).orElseThrow();

        assertThat(submitted.endReason()).isEqualTo("budget");
        assertThat(end.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(end.getCostMicros()).isPositive().isLessThanOrEqualTo(cap);
        assertThat(end.getCompleted()).isPositive().isLessThan(300);
        assertThat(end.getFailed()).isEqualTo(300 - end.getCompleted()).isEqualTo(end.getNotSent());
    }

    @Test
    void shouldRunTheCliEndToEndWithAnAnthropicFileAnsweredByGeminiInAnthropicsFormat() throws Exception {
        Path input = file("cli.jsonl", 50, i -> anthropic("cli-" + i, "translate " + i));
        String[] connect = {"--bootstrap", pipeline.bootstrapServers(), "--name-prefix", prefix};

        List<String> submit = cli(concat(new String[] {"batch", "submit", input.toString(), "--tenant", "e2e-cli",
                "--task-type", "translate"}, connect));
        String id = submit.getLast().replace("batch_id=", "");
        List<String> status = cli(concat(new String[] {"batch", "status", id, "--wait", "--timeout", "120"}, connect));
        Matcher m = Pattern.compile("batch: id=(\\S+) status=(\\S+) total=(\\d+) completed=(\\d+) failed=(\\d+) cancelled=(\\d+) "
                + "expired=(\\d+) cost_micros=(\\d+) input_tokens=(\\d+) output_tokens=(\\d+)").matcher(status.getLast());
        assertThat(m.matches()).as(status.getLast()).isTrue();
        assertThat(m.group(1)).isEqualTo(id);
        assertThat(m.group(2)).isEqualTo("completed");
        assertThat(m.group(3)).isEqualTo("50");
        assertThat(m.group(4)).isEqualTo("50");
        assertThat(Long.parseLong(m.group(8))).isPositive();
        assertThat(Long.parseLong(m.group(9))).isPositive();
        assertThat(cli(concat(new String[] {"batch", "list"}, connect))).anyMatch(line -> line.startsWith("batch: id=" + id + " "));
        Path out = dir.resolve("cli-out.jsonl");
        List<String> results = cli(concat(new String[] {"batch", "results", id, "--output", out.toString(),
                "--errors", dir.resolve("cli-err.jsonl").toString()}, connect));
        assertThat(results.getLast()).isEqualTo("results: output=50 errors=0 pending=0 complete=true");
        assertThat(jsonLines(out)).allSatisfy(line -> {
            assertThat(line.at("/result/type").asText()).isEqualTo("succeeded");
            assertThat(line.at("/result/message/model").asText()).isEqualTo("gemini-1.5-flash");
            assertThat(line.at("/result/message/content/0/text").asText()).contains("translate");
        });
        assertThat(cli(concat(new String[] {"batch", "cancel", id}, connect)).getLast()).contains("status=completed");
    }

    private static List<String> cli(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exit;
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(out);
            exit = new CommandLine(new PipelineCli()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        } finally {
            System.setOut(original);
        }
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(exit).as(String.join("\n", lines)).isZero();
        return lines;
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** The id of the batch a submitter running on another thread made of {@code input}. */
    private static String awaitBatchOf(Path input, String tenant) throws InterruptedException {
        long deadline = System.nanoTime() + LONG.toNanos();
        while (System.nanoTime() < deadline) {
            for (BatchState s : batches.list()) {
                if (tenant.equals(s.getTenantId()) && input.toAbsolutePath().toString().equals(s.getInputFile())) {
                    return s.getBatchId();
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no batch of " + input + " appeared");
    }

    private static List<LlmResult> resultsOf(String batchId) {
        return TopicReader.readAll(pipeline.bootstrapServers(), pipeline.catalog().topics().results(), Codecs.RESULT::decode)
                .stream().filter(r -> batchId.equals(r.getMetadata().get("batch_id")))
                .filter(r -> !r.getMetadata().containsKey("router.idempotent_replay_of")).toList();
    }

    private Path file(String name, int count, IntFunction<String> line) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            lines.add(line.apply(i));
        }
        return Files.write(dir.resolve(name), lines);
    }

    private static List<JsonNode> jsonLines(Path file) throws Exception {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }

    static String openAi(String customId, String model, String prompt) {
        return "{\"custom_id\": \"" + customId + "\", \"method\": \"POST\", \"url\": \"/v1/chat/completions\", \"body\": "
                + "{\"model\": \"" + model + "\", \"messages\": [{\"role\": \"user\", \"content\": \"" + prompt + "\"}], \"max_tokens\": 16}}";
    }

    static String anthropic(String customId, String prompt) {
        return "{\"custom_id\": \"" + customId + "\", \"params\": {\"model\": \"claude-3-5-haiku\", \"max_tokens\": 16, "
                + "\"messages\": [{\"role\": \"user\", \"content\": \"" + prompt + "\"}]}}";
    }


    /** What the cost reports (./pipeline costs, over the invocation events) say the batch spent. */
    private static long reportedSpendOf(String batchId) {
        CostsCommand costs = new CostsCommand();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        costs.out = new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8);
        int exit = new picocli.CommandLine(costs).setCaseInsensitiveEnumValuesAllowed(true).execute("--bootstrap",
                pipeline.bootstrapServers(), "--name-prefix", prefix, "--by", "label:batch_id", "--since", "7d", "--format", "csv");
        List<String> csv = bytes.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        assertThat(exit).as(String.join("\n", csv)).isZero();
        List<String> header = List.of(csv.getFirst().split(","));
        return csv.subList(1, csv.size() - 1).stream().map(line -> line.split(","))
                .filter(row -> row[header.indexOf("label:batch_id")].equals(batchId))
                .mapToLong(row -> Long.parseLong(row[header.indexOf("spend_micros")])).sum();
    }
}
