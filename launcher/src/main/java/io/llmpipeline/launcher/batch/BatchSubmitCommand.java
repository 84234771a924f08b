package io.llmpipeline.launcher.batch;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import io.llmpipeline.batch.Batches;
import io.llmpipeline.batch.SubmitOptions;
import io.llmpipeline.batch.SubmitResult;
import io.llmpipeline.schemas.Priority;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "submit", mixinStandardHelpOptions = true,
        description = {"Validates a JSONL file and streams its requests into the pipeline (BULK band by default).",
                "Running the same command again, or --resume ID, continues a batch without sending anything twice.",
                "The last line is batch_id=ID."})
final class BatchSubmitCommand implements Callable<Integer> {
    @Mixin
    BatchConnection connection;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "OpenAI Batch or Anthropic Message Batches JSONL.")
    Path file;

    @Option(names = "--resume", paramLabel = "BATCH_ID", description = "Continue this batch (FILE: default the file it was submitted from).")
    String resume;

    @Option(names = "--tenant", defaultValue = "default", description = "Who pays (default: ${DEFAULT-VALUE}).")
    String tenant;

    @Option(names = "--task-type", paramLabel = "X", description = "Let this task type's route choose the model (the lines' models are then ignored); "
            + "without it each line's model is pinned.")
    String taskType;

    @Option(names = "--priority", defaultValue = "BULK", description = "Band of the requests (default: ${DEFAULT-VALUE}).")
    Priority priority;

    @Option(names = "--skip-invalid", description = "Run the good lines when some are bad (default: the batch fails validation).")
    boolean skipInvalid;

    @Option(names = "--completion-window", defaultValue = "24h", paramLabel = "DURATION",
            description = "What is not done by then ends as expired, e.g. 24h, 90m, 30s (default: ${DEFAULT-VALUE}).")
    String completionWindow;

    @Option(names = "--max-cost-usd", paramLabel = "N", description = "Per-batch budget: stop admitting lines that could pass it.")
    BigDecimal maxCostUsd;

    @Option(names = "--max-outstanding", defaultValue = "2000",
            description = "Requests sent and not yet answered at once (default: ${DEFAULT-VALUE}); keeps interactive traffic fast.")
    int maxOutstanding;

    @Option(names = "--batch-id", paramLabel = "ID", description = "Name the batch (default: derived from the file and options).")
    String batchId;

    @Option(names = "--errors", paramLabel = "FILE", description = "Where bad lines are listed (default: FILE.errors.jsonl).")
    Path errors;

    @Override
    public Integer call() {
        if (file == null && resume == null) {
            System.err.println("batch submit: give a FILE, or --resume BATCH_ID");
            return 2;
        }
        SubmitOptions options = SubmitOptions.forTenant(tenant).withTaskType(taskType).withPriority(priority)
                .withSkipInvalid(skipInvalid).withCompletionWindow(parseDuration(completionWindow))
                .withMaxCostMicros(maxCostUsd == null ? null : maxCostUsd.movePointRight(6).longValueExact())
                .withMaxOutstanding(maxOutstanding).withBatchId(batchId).withErrorsFile(errors);
        SubmitResult result;
        long started = System.nanoTime();
        try (Batches batches = connection.connect(); Bar bar = Bar.forTerminal("batch")) {
            result = resume != null
                    ? batches.resume(resume, file, options, bar::update)
                    : batches.submit(file, options, bar::update);
        }
        System.out.printf("format=%s lines=%d valid=%d invalid=%d sent_now=%d cursor=%d end=%s%s%n", result.format().wireName(),
                result.lines(), result.valid(), result.invalid(), result.sentNow(), result.cursor(), result.endReason(),
                result.resumed() ? " (continued an existing batch)" : "");
        // for the batch bench, which runs the submitter in its own JVM to measure its heap
        System.err.printf(java.util.Locale.ROOT, "submitter: elapsed_s=%.1f validation_s=%.1f heap_peak_mb=%d%n",
                (System.nanoTime() - started) / 1e9, result.validationMillis() / 1e3, heapPeakMb());
        if (result.errorsFile() != null) {
            System.out.println("bad lines: " + result.errorsFile());
        }
        System.out.println("batch_id=" + result.batchId());
        return "validation_failed".equals(result.endReason()) ? 3 : 0;
    }

    /** Peak heap use since the JVM started, over every heap pool. */
    static long heapPeakMb() {
        long bytes = 0;
        for (java.lang.management.MemoryPoolMXBean pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP) {
                bytes += pool.getPeakUsage().getUsed();
            }
        }
        return bytes >> 20;
    }

    /** 24h, 90m, 30s, 2d, 500ms, or ISO-8601 (PT24H). */
    static Duration parseDuration(String text) {
        String t = text.strip().toLowerCase(java.util.Locale.ROOT);
        try {
            if (t.startsWith("p")) {
                return Duration.parse(text.strip().toUpperCase(java.util.Locale.ROOT));
            }
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            return switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> throw new IllegalArgumentException();
            };
        } catch (RuntimeException e) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(new BatchSubmitCommand()),
                    "--completion-window: '" + text + "' is not a duration like 24h, 90m, 30s, 2d or PT24H");
        }
    }
}
