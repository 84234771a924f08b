package io.llmpipeline.schemas;

/** Default topic names. The catalog may rename them; code takes names from the catalog. */
public final class Topics {
    public static final String REQUESTS = "llm.requests";
    public static final String ASSIGNED = "llm.requests.assigned";
    public static final String RESULTS = "llm.results";
    public static final String INVOCATIONS = "llm.invocations";
    public static final String PROVIDER_HEALTH = "llm.provider-health";
    public static final String BUDGET_ALERTS = "llm.budget-alerts";
    public static final String DLQ = "llm.dlq";
    public static final String BATCHES = "llm.batches";
    public static final String BATCH_EVENTS = "llm.batch-events";
    /** Written by the cost analytics ({@code ./pipeline costs --report anomalies --publish}). */
    public static final String SPEND_ANOMALIES = "llm.spend-anomalies";

    private Topics() {
    }
}
