package io.llmpipeline.sim;

import java.util.Map;

/**
 * A snapshot of what the simulator has served since it started or since the last reset.
 *
 * @param models      per model name as sent by the client
 * @param totalCalls  calls over all models
 * @param inFlightNow calls accepted and not yet finished, over all models
 * @param inFlightMax the most calls that were in flight at once, over all models
 */
public record SimStats(Map<String, ModelStats> models, long totalCalls, int inFlightNow, int inFlightMax) {

    public SimStats {
        models = Map.copyOf(models);
    }

    /**
     * @param calls               every call that named this model, faulted or not
     * @param callsByStatus       calls by the HTTP status answered; {@code 0} = no answer (connection
     *                            closed, hung until the client gave up)
     * @param maxCallsInAnyMinute the most calls that arrived within any sliding 60 s window
     * @param inFlightNow         calls accepted and not yet finished
     * @param inFlightMax         the most calls in flight at once
     * @param billedPromptTokens  prompt tokens of the calls answered 200 (what a provider bills)
     * @param billedCompletionTokens completion tokens of the calls answered 200
     */
    public record ModelStats(long calls, Map<Integer, Long> callsByStatus, int maxCallsInAnyMinute,
                             int inFlightNow, int inFlightMax, long billedPromptTokens, long billedCompletionTokens) {
        public static final ModelStats EMPTY = new ModelStats(0, Map.of(), 0, 0, 0, 0, 0);

        public ModelStats {
            callsByStatus = Map.copyOf(callsByStatus);
        }

        public long callsWithStatus(int status) {
            return callsByStatus.getOrDefault(status, 0L);
        }
    }

    public ModelStats model(String model) {
        return models.getOrDefault(model, ModelStats.EMPTY);
    }

    public long calls(String model) {
        return model(model).calls();
    }

    public long callsWithStatus(String model, int status) {
        return model(model).callsWithStatus(status);
    }

    public int maxRequestsPerMinute(String model) {
        return model(model).maxCallsInAnyMinute();
    }

    /** Calls answered 200 over every model: the calls a provider bills. */
    public long billedCalls() {
        return models.values().stream().mapToLong(m -> m.callsWithStatus(200)).sum();
    }

    public int inFlightMax(String model) {
        return model(model).inFlightMax();
    }
}
