package io.llmpipeline.launcher;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.llmpipeline.client.Requests;
import io.llmpipeline.schemas.GenerationParams;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.Priority;

/** The demo's requests: every priority, several task types and tenants, and one invalid request. */
final class DemoSample {
    private static final List<String[]> PROMPTS = List.of(
            new String[] {"summarize.email", "Summarize: the quarterly report is due Friday; finance needs the numbers by Wednesday."},
            new String[] {"reason.plan", "Plan a three-step migration of a cron job to a Kafka consumer."},
            new String[] {"chat", "What is a Kafka partition?"},
            new String[] {"summarize.doc", "Summarize: exactly-once in Kafka ties produced records and consumer offsets in one transaction."},
            new String[] {"classify.ticket", "Classify this ticket: 'My invoice shows the wrong VAT number.'"},
            new String[] {"chat", "Name two reasons to put prompts on a queue."},
            new String[] {"reason.math", "If a batch of 10,000 prompts costs $1.20, what does one prompt cost?"},
            new String[] {"translate", "Translate to French: the pipeline never loses a request."},
            new String[] {"draft.reply", "Draft a two-line reply thanking a customer for reporting a billing bug."});

    private DemoSample() {
    }

    static List<LlmRequest> requests() {
        List<LlmRequest> requests = new ArrayList<>();
        Priority[] priorities = Priority.values();
        String[] tenants = {"acme", "globex"};
        int n = 0;
        for (int round = 0; round < 2; round++) {
            for (String[] prompt : PROMPTS) {
                Priority priority = priorities[n % priorities.length];
                requests.add(Requests.chat(tenants[n % tenants.length], prompt[0], priority, prompt[1])
                        .setRequestId(String.format("demo-%02d", n))
                        .setParams(GenerationParams.newBuilder().setMaxTokens(256).setTemperature(0.0).build())
                        .setMetadata(Map.of("source", "demo"))
                        .build());
                n++;
            }
        }
        // deliberately invalid: shows that a bad request gets an error result instead of vanishing
        requests.add(Requests.chat("acme", "chat", Priority.HIGH, "")
                .setRequestId(String.format("demo-%02d-invalid", n))
                .setParams(GenerationParams.newBuilder().setMaxTokens(-5).build())
                .build());
        return requests;
    }
}
