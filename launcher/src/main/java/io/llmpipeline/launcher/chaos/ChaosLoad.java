package io.llmpipeline.launcher.chaos;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.llmpipeline.client.LlmClient;
import io.llmpipeline.client.Requests;
import io.llmpipeline.schemas.GenerationParams;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.Priority;

/**
 * An open-loop load: {@code requests} sent evenly over the load's duration whatever the pipeline
 * does, as producers do. A request counts as sent once Kafka acknowledged it (the producer is
 * idempotent and retries through a broker restart).
 */
final class ChaosLoad {
    static final int MAX_TOKENS = 32;
    static final String TENANT = "chaos";
    static final String BUDGETED_TENANT = "chaos-budgeted";
    static final String BUDGETED_TASK = "budgeted";
    /** Every {@code BUDGETED_EVERY}th request is the budgeted tenant's. */
    static final int BUDGETED_EVERY = 4;

    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final AtomicLong unsent = new AtomicLong();

    static String prompt(int index) {
        return "Chaos request " + index + ": say something short.";
    }

    static int budgetedCount(int requests) {
        return (requests + BUDGETED_EVERY - 1) / BUDGETED_EVERY;
    }

    static LlmRequest request(String runId, int index) {
        boolean budgeted = index % BUDGETED_EVERY == 0;
        Priority priority = Priority.values()[index % Priority.values().length];
        return Requests.chat(budgeted ? BUDGETED_TENANT : TENANT, budgeted ? BUDGETED_TASK : "chat", priority, prompt(index))
                .setRequestId(runId + "-" + index)
                .setParams(GenerationParams.newBuilder().setMaxTokens(MAX_TOKENS).build())
                .build();
    }

    /** Sends {@code requests} over {@code durationMs}; returns when the last one is handed to the producer. */
    void run(LlmClient client, String runId, int requests, long durationMs) throws InterruptedException {
        long start = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            long dueNanos = start + (long) ((double) i / requests * durationMs * 1_000_000);
            long waitNanos = dueNanos - System.nanoTime();
            if (waitNanos > 0) {
                Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
            }
            LlmRequest request = request(runId, i);
            client.send(request).whenComplete((metadata, error) -> {
                if (error == null) {
                    acknowledged.add(request.getRequestId());
                } else {
                    unsent.incrementAndGet();
                }
            });
        }
        client.flush();
    }

    Set<String> acknowledged() {
        return acknowledged;
    }

    long unsent() {
        return unsent.get();
    }
}
