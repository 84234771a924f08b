package io.llmpipeline.worker;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Writes a worker's figures to a file every half second as one line of key=value pairs, for a
 * parent process (the launcher's bench) that runs the worker in its own JVM. The file is replaced
 * atomically, so a reader never sees half a line.
 */
public final class WorkerStatsFile implements AutoCloseable {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "worker-stats-file");
        thread.setDaemon(true);
        return thread;
    });
    private final Path file;
    private final Supplier<WorkerStats> stats;

    private WorkerStatsFile(Path file, Supplier<WorkerStats> stats) {
        this.file = file;
        this.stats = stats;
    }

    public static WorkerStatsFile start(Path file, Supplier<WorkerStats> stats) {
        WorkerStatsFile writer = new WorkerStatsFile(file, stats);
        writer.timer.scheduleAtFixedRate(writer::write, 0, 500, TimeUnit.MILLISECONDS);
        return writer;
    }

    /** The sum of each heap pool's peak: an upper bound of the heap this JVM ever used at once. */
    public static long heapUsedPeakMb() {
        long bytes = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                bytes += pool.getPeakUsage().getUsed();
            }
        }
        return bytes / (1024 * 1024);
    }

    /** Time this JVM's JIT compilers have spent so far (summed over compiler threads), or -1 where the JVM does not say. */
    public static long compileMs() {
        CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
        return compiler != null && compiler.isCompilationTimeMonitoringSupported() ? compiler.getTotalCompilationTime() : -1;
    }

    static String format(WorkerStats s, long heapPeakMb, long heapMaxMb, long compileMs) {
        Map<String, Object> values = new TreeMap<>();
        values.put("in_flight_max", s.inFlightMax());
        values.put("requests_in_flight_max", s.requestsInFlightMax());
        values.put("provider_calls", s.providerCalls());
        values.put("completed", s.completedRequests());
        values.put("failed", s.failedRequests());
        values.put("retries", s.retries());
        values.put("failovers", s.failovers());
        values.put("rate_limit_waits", s.rateLimitWaits());
        values.put("heap_used_peak_mb", heapPeakMb);
        values.put("heap_max_mb", heapMaxMb);
        values.put("compile_ms", compileMs);
        s.breakerOpenedAfterCalls().forEach((model, calls) -> values.put("breaker_open_after_calls." + model, calls));
        s.callsByModel().forEach((model, calls) -> values.put("calls." + model, calls));
        StringBuilder line = new StringBuilder();
        values.forEach((k, v) -> line.append(line.isEmpty() ? "" : " ").append(k).append('=').append(v));
        return line.append('\n').toString();
    }

    private void write() {
        try {
            String line = format(stats.get(), heapUsedPeakMb(), Runtime.getRuntime().maxMemory() / (1024 * 1024), compileMs());
            Path temp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(temp, line, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            // figures are best effort; the worker's job is the requests
        }
    }

    @Override
    public void close() {
        write();
        timer.shutdownNow();
    }
}
