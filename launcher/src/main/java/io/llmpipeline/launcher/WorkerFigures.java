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
 */
record WorkerFigures(long inFlightMax, long providerCalls, long heapUsedPeakMb, Map<String, Long> breakerOpenedAfterCalls) {
    static WorkerFigures of(WorkerStats stats, long heapUsedPeakMb) {
        return new WorkerFigures(stats.inFlightMax(), stats.providerCalls(), heapUsedPeakMb, stats.breakerOpenedAfterCalls());
    }

    static WorkerFigures of(Map<String, String> reported) {
        Map<String, Long> breakers = new HashMap<>();
        reported.forEach((key, value) -> {
            if (key.startsWith("breaker_open_after_calls.")) {
                breakers.put(key.substring("breaker_open_after_calls.".length()), Long.parseLong(value));
            }
        });
        return new WorkerFigures(number(reported, "in_flight_max"), number(reported, "provider_calls"),
                number(reported, "heap_used_peak_mb"), breakers);
    }

    static WorkerFigures sum(List<WorkerFigures> all) {
        Map<String, Long> breakers = new HashMap<>();
        long inFlight = 0;
        long calls = 0;
        long heap = 0;
        for (WorkerFigures f : all) {
            inFlight += f.inFlightMax;
            calls += f.providerCalls;
            heap = Math.max(heap, f.heapUsedPeakMb);
            f.breakerOpenedAfterCalls.forEach((model, n) -> breakers.merge(model, n, Long::sum));
        }
        return new WorkerFigures(inFlight, calls, heap, breakers);
    }

    /** Calls until the breaker of the model opened, or -1 if it never did. */
    long breakerOpenAfterCalls(String model) {
        return breakerOpenedAfterCalls.entrySet().stream()
                .filter(e -> e.getKey().equals(model) || e.getKey().endsWith("/" + model))
                .mapToLong(Map.Entry::getValue).findFirst().orElse(-1);
    }

    private static long number(Map<String, String> reported, String key) {
        String value = reported.get(key);
        return value == null ? 0 : Long.parseLong(value);
    }
}
