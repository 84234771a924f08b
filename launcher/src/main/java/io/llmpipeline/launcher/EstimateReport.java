package io.llmpipeline.launcher;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import io.llmpipeline.schemas.InvocationEvent;

/**
 * How far the router's input-token estimates were from what providers billed, per model, from
 * the invocation events (each carries both). Exact tokenizers should show 0; estimated ones show
 * the error the calibration has left.
 */
final class EstimateReport {
    private EstimateReport() {
    }

    record ModelError(long calls, double meanEstimated, double meanActual, double meanAbsErrorPercent, double meanErrorPercent) {
    }

    static Map<String, ModelError> byModel(List<InvocationEvent> invocations) {
        Map<String, double[]> sums = new TreeMap<>();
        for (InvocationEvent e : invocations) {
            int actual = e.getUsage().getInputTokens();
            if (!e.getBilled() || actual <= 0 || e.getEstimatedInputTokens() <= 0) {
                continue;
            }
            double error = 100.0 * (e.getEstimatedInputTokens() - actual) / actual;
            double[] s = sums.computeIfAbsent(e.getModel(), k -> new double[5]);
            s[0]++;
            s[1] += e.getEstimatedInputTokens();
            s[2] += actual;
            s[3] += Math.abs(error);
            s[4] += error;
        }
        Map<String, ModelError> report = new TreeMap<>();
        sums.forEach((model, s) -> report.put(model, new ModelError((long) s[0], s[1] / s[0], s[2] / s[0], s[3] / s[0], s[4] / s[0])));
        return report;
    }

    static void print(List<InvocationEvent> invocations) {
        Map<String, ModelError> report = byModel(invocations);
        if (report.isEmpty()) {
            return;
        }
        System.out.printf("Input tokens: router estimate vs provider usage%n%-18s %6s %10s %10s %12s %10s%n",
                "model", "calls", "estimated", "billed", "mean |err|", "mean err");
        report.forEach((model, e) -> System.out.printf(Locale.ROOT, "%-18s %6d %10.1f %10.1f %11.1f%% %+9.1f%%%n",
                model, e.calls(), e.meanEstimated(), e.meanActual(), e.meanAbsErrorPercent(), e.meanErrorPercent()));
    }
}
