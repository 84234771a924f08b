package io.llmpipeline.catalog;

import java.util.List;

/**
 * Spend limits.
 *
 * @param limits                    each limit applies to one scope and window
 * @param alertThresholds           percentages of a limit at which one alert is sent per scope and window
 * @param lowPriorityCutoff         share of a limit (0 to 1) above which LOW and BULK requests are refused
 * @param reservationTimeoutSeconds a reservation with no final invocation after this long is released
 *                                  (the worker died or lost the request); default 1 hour
 */
public record BudgetsConfig(List<BudgetLimit> limits, List<Integer> alertThresholds, Double lowPriorityCutoff,
                            Integer reservationTimeoutSeconds) {
    public BudgetsConfig {
        limits = limits == null ? List.of() : List.copyOf(limits);
        alertThresholds = alertThresholds == null ? List.of(50, 80, 95, 100) : List.copyOf(alertThresholds);
        lowPriorityCutoff = lowPriorityCutoff == null ? 0.9 : lowPriorityCutoff;
        reservationTimeoutSeconds = reservationTimeoutSeconds == null ? 3_600 : reservationTimeoutSeconds;
    }

    public static BudgetsConfig defaults() {
        return new BudgetsConfig(null, null, null, null);
    }
}
