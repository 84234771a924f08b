package io.llmpipeline.launcher;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.llmpipeline.worker.WorkerStats;

/**
 * What the bench reports about workers, whether they run in the launcher's JVM or their own.
 *
 * @param inFlightMax             most provider calls awaiting an answer at once (summed over workers)
 * @param providerCalls           provider calls made
 * @param heapUsedPeakMb          the largest worker heap peak (for in-process workers: the whole launcher JVM's)
 * @param breakerOpenedAfterCalls per model, calls made when its breaker first opened
 * @param callsByModel            per model, calls made
 * @param compileMs               time the worker JVMs' JIT compilers spent so far (0 for in-process workers: the
 *                                launcher JVM's own compile time already holds theirs)
 */
record WorkerFigures(long inFlightMax, long providerCalls, long heapUsedPeakMb, Map<String, Long> breakerOpenedAfterCalls,
                     Map<String, Long> callsByModel, long compileMs) {
    static WorkerFigures of(WorkerStats stats, long heapUsedPeakMb) {
        return new WorkerFigures(stats.inFlightMax(), stats.providerCalls(), heapUsedPeakMb, stats.breakerOpenedAfterCalls(),
                stats.callsByModel(), 0);
    }

    static WorkerFigures of(Map<String, String> reported) {
        return new WorkerFigures(number(reported, "in_flight_max"), number(reported, "provider_calls"),
                number(reported, "heap_used_peak_mb"), perModel(reported, "breaker_open_after_calls."), perModel(reported, "calls."),
                Math.max(0, number(reported, "compile_ms")));
    }

    private static Map<String, Long> perModel(Map<String, String> reported, String prefix) {
        Map<String, Long> values = new HashMap<>();
        reported.forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                values.put(key.substring(prefix.length()), Long.parseLong(value));
            }
        });
        return values;
    }

    static WorkerFigures sum(List<WorkerFigures> all) {
        Map<String, Long> breakers = new HashMap<>();
        Map<String, Long> calls = new HashMap<>();
        long inFlight = 0;
        long providerCalls = 0;
        long heap = 0;
        long compileMs = 0;
        for (WorkerFigures f : all) {
            inFlight += f.inFlightMax;
            providerCalls += f.providerCalls;
            heap = Math.max(heap, f.heapUsedPeakMb);
            compileMs += f.compileMs;
            f.breakerOpenedAfterCalls.forEach((model, n) -> breakers.merge(model, n, Long::sum));
            f.callsByModel.forEach((model, n) -> calls.merge(model, n, Long::sum));
        }
        return new WorkerFigures(inFlight, providerCalls, heap, breakers, calls, compileMs);
    }

    /** Calls to the model when its breaker first opened, or -1 if it never did. */
    long breakerOpenAfterCalls(String model) {
        return forModel(breakerOpenedAfterCalls, model, -1);
    }

    long calls(String model) {
        return forModel(callsByModel, model, 0);
    }

    private static long forModel(Map<String, Long> values, String model, long absent) {
        return values.entrySet().stream()
                .filter(e -> e.getKey().equals(model) || e.getKey().endsWith("/" + model))
                .mapToLong(Map.Entry::getValue).findFirst().orElse(absent);
    }

    private static long number(Map<String, String> reported, String key) {
        String value = reported.get(key);
        return value == null ? 0 : Long.parseLong(value);
    }
}
