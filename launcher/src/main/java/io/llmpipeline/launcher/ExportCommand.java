package io.llmpipeline.launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import io.llmpipeline.analytics.export.ExportSummary;
import io.llmpipeline.analytics.export.Exporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Exports llm.invocations and llm.results to Parquet under DIR, by UTC day, exactly once:",
                "a run resumes where the files in DIR end, so it writes nothing twice and skips nothing.",
                "Last line: export: records=N rejected=N files=N"})
final class ExportCommand implements Callable<Integer> {
    @Mixin
    AnalyticsOptions analytics;

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "The Kafka to read.")
    String bootstrap;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Export directory (created if missing).")
    Path out;

    @Option(names = "--follow", description = "Keep exporting as events arrive, until Ctrl-C.")
    boolean follow;

    @Option(names = "--flush-seconds", defaultValue = "60", paramLabel = "S",
            description = "With --follow: write a partition's records once the oldest is this old (default: ${DEFAULT-VALUE}).")
    int flushSeconds;

    @Option(names = "--rows-per-file", defaultValue = "250000", paramLabel = "N",
            description = "Most rows in one file (default: ${DEFAULT-VALUE}).")
    int rowsPerFile;

    @Option(names = "--report-heap", hidden = true, description = "Append elapsed_ms and heap_peak_mb to the last line (the bench reads them).")
    boolean reportHeap;

    @Override
    public Integer call() throws InterruptedException {
        long started = System.nanoTime();
        Exporter.Options options = Exporter.Options.defaults().withMaxRowsPerFile(rowsPerFile)
                .withFlushInterval(Duration.ofSeconds(flushSeconds));
        ExportSummary summary;
        try (Exporter exporter = Exporter.create(analytics.catalog(), bootstrap, out, options)) {
            if (follow) {
                AtomicBoolean stop = new AtomicBoolean();
                CountDownLatch done = new CountDownLatch(1);
                Thread hook = new Thread(() -> {
                    stop.set(true);
                    try {
                        done.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "export-stop");
                Runtime.getRuntime().addShutdownHook(hook);
                System.err.println("exporting to " + out + " until Ctrl-C ...");
                try {
                    summary = exporter.follow(stop::get);
                } finally {
                    done.countDown();
                }
            } else {
                summary = exporter.runOnce();
            }
        } catch (IllegalStateException e) {
            System.err.println("export: " + e.getMessage());
            return 2;
        }
        String line = "export: records=" + summary.records() + " rejected=" + summary.rejected() + " files=" + summary.files();
        if (reportHeap) {
            long peak = java.lang.management.ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(pool -> pool.getType() == java.lang.management.MemoryType.HEAP)
                    .mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
            line += " elapsed_ms=" + (System.nanoTime() - started) / 1_000_000 + " heap_peak_mb=" + peak / (1024 * 1024);
        }
        System.out.println(line);
        return 0;
    }
}
