package io.llmpipeline.launcher.batch;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;


import io.llmpipeline.batch.BatchResults;
import io.llmpipeline.batch.Batches;
import io.llmpipeline.client.LlmClient;
import io.llmpipeline.launcher.LocalPipeline;
import io.llmpipeline.schemas.BatchState;
import io.llmpipeline.sim.FaultScript;
import io.llmpipeline.launcher.TopicReader;
import io.llmpipeline.schemas.Codecs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Batch figures through the whole local pipeline (simulator at 0 ms): a batch of --lines for intake
 * and completion rates and the submitter's heap (its own JVM); the same with the submitter killed
 * (SIGKILL) half way and resumed, counting provider calls; and p99 of HIGH requests with and without
 * a batch running. The last line is machine-readable.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Batch benchmark through the local pipeline; the last line is key=value pairs.")
public final class BatchBenchCommand implements Callable<Integer> {

    @Option(names = "--lines", defaultValue = "100000", description = "Lines of the measured batch (default: ${DEFAULT-VALUE}).")
    int lines;

    @Option(names = "--kill-lines", defaultValue = "0", description = "Lines of the kill-and-resume batch (default: --lines).")
    int killLines;

    @Option(names = "--background-lines", defaultValue = "200000",
            description = "Lines of the batch running while HIGH requests are timed; cancelled after (default: ${DEFAULT-VALUE}).")
    int backgroundLines;

    @Option(names = "--interactive", defaultValue = "200", description = "HIGH requests timed with and without a batch (default: ${DEFAULT-VALUE}).")
    int interactive;

    @Option(names = "--submitter-heap-mb", defaultValue = "256", description = "Heap limit of the submitter's JVM (default: ${DEFAULT-VALUE}).")
    int submitterHeapMb;

    @Option(names = "--worker-heap-mb", defaultValue = "512", description = "Heap limit of the worker's JVM (default: ${DEFAULT-VALUE}).")
    int workerHeapMb;

    @Option(names = "--max-outstanding", defaultValue = "2000", description = "The submitter's window (default: ${DEFAULT-VALUE}).")
    int maxOutstanding;

    @Option(names = "--skip", split = ",", description = "Parts to leave out: throughput, kill, interactive.")
    List<String> skip = new ArrayList<>();

    @Option(names = "--work-dir", defaultValue = ".pipeline", description = "Broker data and files (default: ${DEFAULT-VALUE}).")
    Path workDir;

    @Override
    public Integer call() throws Exception {
        Path dir = workDir.resolve("batch-bench");
        io.llmpipeline.launcher.WorkDirs.deleteRecursively(dir);
        Files.createDirectories(dir);
        StringBuilder last = new StringBuilder("batch-bench:");
        boolean ok = true;
        try (LocalPipeline pipeline = LocalPipeline.start(LocalPipeline.Options.defaults(dir).withWorkerProcesses(1, workerHeapMb));
             Batches batches = Batches.connect(pipeline.catalog(), pipeline.bootstrapServers())) {
            pipeline.simulator().script("*", FaultScript.none().withLatency(0, 0));
            List<String> connect = List.of("--bootstrap", pipeline.bootstrapServers());
            if (!skip.contains("throughput")) {
                ok &= throughput(pipeline, batches, dir, connect, last);
            }
            if (!skip.contains("kill")) {
                ok &= killAndResume(pipeline, batches, dir, connect, last);
            }
            if (!skip.contains("interactive")) {
                interactive(pipeline, batches, dir, connect, last);
            }
        }
        System.out.println(last);
        return ok ? 0 : 1;
    }

    private boolean throughput(LocalPipeline pipeline, Batches batches, Path dir, List<String> connect, StringBuilder last)
            throws Exception {
        Path input = generate(dir.resolve("throughput.jsonl"), lines, "t");
        pipeline.simulator().resetStats();
        long start = System.nanoTime();
        SubmitterProcess submitter = SubmitterProcess.start(dir, submitterHeapMb,
                with(connect, input.toString(), "--tenant", "bench-throughput", "--max-outstanding", Integer.toString(maxOutstanding)));
        int exit = submitter.await(24 * 3600);
        double intakeSeconds = (System.nanoTime() - start) / 1e9;
        String id = submitter.value("batch_id");
        BatchState end = batches.await(id, Duration.ofHours(24)).orElseThrow();
        double totalSeconds = (System.nanoTime() - start) / 1e9;
        Check check = checkOutput(batches, id, dir, lines);
        double validationSeconds = Double.parseDouble(submitter.value("validation_s"));
        int plainCount = Math.min(lines, 10_000);
        double plainRps;
        double keyedRps;
        try (LlmClient client = LlmClient.connect(pipeline.catalog(), pipeline.bootstrapServers())) {
            plainRps = InteractiveLoad.plainBulk(client, plainCount, maxOutstanding, false);
            keyedRps = InteractiveLoad.plainBulk(client, plainCount, maxOutstanding, true);
        }
        System.err.printf(Locale.ROOT, "the same with an idempotency key each (what a batch request carries): %.0f requests/s = %.2f of plain%n",
                keyedRps, keyedRps / plainRps);
        System.err.printf(Locale.ROOT, "validation pass: %.1f s = %.0f lines/s; the same prompts as %d plain BULK requests (no "
                        + "idempotency key, %d outstanding): %.0f requests/s; batch / plain = %.2f%n", validationSeconds,
                lines / Math.max(0.001, validationSeconds), plainCount, maxOutstanding, plainRps, end.getCompleted() / totalSeconds / plainRps);
        System.err.printf(Locale.ROOT, "throughput: %d lines, submitter exit %d, intake %.1f s (%.0f lines/s), all answered after %.1f s "
                        + "(%.0f requests/s); submitter heap peak %s MB (-Xmx%dm); %s; provider calls %d; cost %d micro-dollars%n",
                lines, exit, intakeSeconds, lines / intakeSeconds, totalSeconds, end.getCompleted() / totalSeconds,
                submitter.value("heap_peak_mb"), submitterHeapMb, check, pipeline.simulator().stats().totalCalls(), end.getCostMicros());
        last.append(String.format(Locale.ROOT, " lines=%d validation_lines_per_s=%.0f intake_lines_per_s=%.0f completed_rps=%.0f "
                        + "plain_bulk_rps=%.0f keyed_bulk_rps=%.0f submitter_heap_peak_mb=%s output_lines=%d output_distinct=%d completed=%d",
                lines, lines / Math.max(0.001, validationSeconds), lines / intakeSeconds, end.getCompleted() / totalSeconds, plainRps, keyedRps,
                submitter.value("heap_peak_mb"), check.lines, check.distinct, end.getCompleted()));
        return check.lines == lines && check.distinct == lines && end.getCompleted() == lines;
    }

    private boolean killAndResume(LocalPipeline pipeline, Batches batches, Path dir, List<String> connect, StringBuilder last)
            throws Exception {
        int n = killLines > 0 ? killLines : lines;
        Path input = generate(dir.resolve("kill.jsonl"), n, "k");
        pipeline.simulator().resetStats();
        SubmitterProcess first = SubmitterProcess.start(dir, submitterHeapMb,
                with(connect, input.toString(), "--tenant", "bench-kill", "--max-outstanding", Integer.toString(maxOutstanding)));
        String id = awaitBatch(batches, input);
        BatchState half = batches.await(id, s -> s.getCursor() >= n / 2, Duration.ofHours(1)).orElseThrow();
        first.kill();
        System.err.printf("kill -9 of the submitter at cursor %d of %d (counted %d)%n", half.getCursor(), n,
                half.getCompleted() + half.getFailed());
        SubmitterProcess second = SubmitterProcess.start(dir, submitterHeapMb, with(connect, "--resume", id));
        int exit = second.await(24 * 3600);
        BatchState end = batches.await(id, Duration.ofHours(24)).orElseThrow();
        Check check = checkOutput(batches, id, dir, n);
        long calls = pipeline.simulator().stats().totalCalls();
        long billed = billedAttemptsOf(pipeline, id, "bench-kill");
        System.err.printf(Locale.ROOT, "kill and resume: %d lines, resumed exit %d (%s); %s; provider calls %d; billed invocation "
                        + "events of the batch under its tenant %d%n", n, exit, second.value("end"), check, calls, billed);
        last.append(String.format(Locale.ROOT, " kill_lines=%d kill_output_lines=%d kill_duplicates=%d kill_missing=%d kill_provider_calls=%d"
                        + " kill_billed_events=%d", n, check.lines, check.lines - check.distinct, n - check.distinct, calls, billed));
        return check.lines == n && check.distinct == n && calls == n && billed == n && end.getCompleted() == n;
    }

    /**
     * Billed attempts on the cost ledger ({@code llm.invocations}, read_committed) of a batch's
     * requests, charged to its tenant: what the provider calls must equal for the batch's cost to be
     * right, and what a resume under the wrong tenant would miss.
     */
    private static long billedAttemptsOf(LocalPipeline pipeline, String batchId, String tenant) {
        String prefix = batchId + "/";
        long[] billed = {0};
        TopicReader.forEach(pipeline.bootstrapServers(), pipeline.catalog().topics().invocations(),
                Codecs.INVOCATION::decode, e -> {
                    if (e.getBilled() && e.getRequestId().startsWith(prefix) && tenant.equals(e.getTenantId())) {
                        billed[0]++;
                    }
                });
        return billed[0];
    }

    private void interactive(LocalPipeline pipeline, Batches batches, Path dir, List<String> connect, StringBuilder last)
            throws Exception {
        try (LlmClient client = LlmClient.connect(pipeline.catalog(), pipeline.bootstrapServers())) {
            InteractiveLoad.Outcome alone = InteractiveLoad.run(client, interactive, "alone");
            Path input = generate(dir.resolve("background.jsonl"), backgroundLines, "g");
            SubmitterProcess background = SubmitterProcess.start(dir, submitterHeapMb,
                    with(connect, input.toString(), "--tenant", "bench-background", "--max-outstanding", Integer.toString(maxOutstanding)));
            String id = awaitBatch(batches, input);
            batches.await(id, s -> s.getCompleted() >= Math.min(backgroundLines / 10, 5_000), Duration.ofHours(1));
            InteractiveLoad.Outcome during = InteractiveLoad.run(client, interactive, "during");
            BatchState at = batches.status(id).orElseThrow();
            boolean stillRunning = at.getCompleted() < at.getTotal();
            batches.cancel(id);
            background.await(600);
            System.err.printf(Locale.ROOT, "HIGH requests: p99 %.1f ms alone, %.1f ms during a %d-line batch (%s) = %.2fx%n",
                    alone.p99Ms(), during.p99Ms(), backgroundLines, stillRunning ? "still running at the end" : "ENDED before the measurement did",
                    during.p99Ms() / alone.p99Ms());
            last.append(String.format(Locale.ROOT, " high_p99_alone_ms=%.1f high_p99_during_batch_ms=%.1f high_p99_ratio=%.2f"
                            + " background_still_running=%b",
                    alone.p99Ms(), during.p99Ms(), during.p99Ms() / alone.p99Ms(), stillRunning));
        }
    }

    private record Check(long lines, long distinct, long pending) {
        @Override
        public String toString() {
            return "output file: " + lines + " lines, " + distinct + " distinct custom_ids, " + pending + " pending";
        }
    }

    private static Check checkOutput(Batches batches, String id, Path dir, long expected) throws Exception {
        Path out = dir.resolve(id + ".out.jsonl");
        Path err = dir.resolve(id + ".err.jsonl");
        BatchResults.Summary summary = batches.results(id, out, err, null);
        long count;
        try (java.util.stream.Stream<String> lines = Files.lines(out, StandardCharsets.UTF_8)) {
            count = lines.count();
        }
        return new Check(count, BatchResults.distinctCustomIds(out), summary.pending());
    }

    private static String awaitBatch(Batches batches, Path input) throws InterruptedException {
        String path = input.toAbsolutePath().toString();
        for (int i = 0; i < 6_000; i++) {
            for (BatchState s : batches.list()) {
                if (path.equals(s.getInputFile())) {
                    return s.getBatchId();
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the submitter of " + input + " never announced its batch");
    }

    /** OpenAI Batch lines for gpt-4o-mini, written as a stream. */
    static Path generate(Path file, int count, String prefix) throws Exception {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < count; i++) {
                out.write("{\"custom_id\": \"" + prefix + "-" + i + "\", \"method\": \"POST\", \"url\": \"/v1/chat/completions\", "
                        + "\"body\": {\"model\": \"gpt-4o-mini\", \"messages\": [{\"role\": \"user\", \"content\": \"Batch prompt "
                        + prefix + i + ": say something short.\"}], \"max_tokens\": 32}}");
                out.newLine();
            }
        }
        return file;
    }

    private static List<String> with(List<String> connect, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(connect);
        return all;
    }
}
