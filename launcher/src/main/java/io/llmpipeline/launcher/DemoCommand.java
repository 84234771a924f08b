package io.llmpipeline.launcher;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import io.llmpipeline.catalog.CostCalculator;
import io.llmpipeline.client.LlmClient;
import io.llmpipeline.schemas.Codecs;
import io.llmpipeline.schemas.InvocationEvent;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.ResultStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Starts everything, sends a mixed-priority sample, prints each answer and a cost summary, stops. "
                + "Exits 0 only if every request got its result.")
final class DemoCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--timeout-seconds", defaultValue = "40", description = "How long to wait for all results (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() {
        long started = System.nanoTime();
        WorkDirs.deleteRecursively(common.workDir.resolve("demo"));
        System.out.println("Starting llm-pipeline (Kafka, router, worker, provider simulator) ...");
        try (LocalPipeline pipeline = LocalPipeline.start(common.options("demo"));
             LlmClient client = LlmClient.connect(pipeline.catalog(), pipeline.bootstrapServers())) {
            System.out.printf("Kafka at %s, provider simulator at %s, started in %.1f s%n%n",
                    pipeline.bootstrapServers(), pipeline.simulator().baseUrl(), (System.nanoTime() - started) / 1e9);
            List<LlmRequest> sample = DemoSample.requests();
            List<CompletableFuture<LlmResult>> futures = new ArrayList<>();
            for (LlmRequest request : sample) {
                futures.add(client.submit(request, Duration.ofSeconds(timeoutSeconds))
                        .whenComplete((result, error) -> print(request, result, error)));
            }
            List<LlmResult> results = new ArrayList<>();
            for (CompletableFuture<LlmResult> future : futures) {
                try {
                    results.add(future.join());
                } catch (RuntimeException e) {
                    // printed by the callback; counted below
                }
            }
            Set<String> ids = sample.stream().map(LlmRequest::getRequestId).collect(Collectors.toSet());
            List<InvocationEvent> invocations = TopicReader.readAll(pipeline.bootstrapServers(),
                    pipeline.catalog().topics().invocations(), Codecs.INVOCATION::decode).stream()
                    .filter(e -> ids.contains(e.getRequestId())).toList();
            summarize(results, invocations);
            System.out.println();
            EstimateReport.print(invocations);
            int missing = sample.size() - results.size();
            System.out.printf("%n%d requests, %d results, %d missing; %.1f s in all%n",
                    sample.size(), results.size(), missing, (System.nanoTime() - started) / 1e9);
            return missing == 0 ? 0 : 1;
        }
    }

    private static synchronized void print(LlmRequest request, LlmResult result, Throwable error) {
        if (error != null) {
            System.out.printf("%-18s %-8s NO RESULT: %s%n", request.getRequestId(), request.getPriority(), error);
            return;
        }
        if (result.getStatus() == ResultStatus.OK && result.getCacheHit()) {
            System.out.printf("%-18s %-8s %-16s %-13s cache hit, saved %d tokens $%s  %5d ms  %s%n", request.getRequestId(),
                    request.getPriority(), request.getTaskType(), result.getModel(), result.getSavedTokens(),
                    CostCalculator.formatUsd(result.getSavedCostMicros()), result.getLatencyMs(), abbreviate(result.getOutput()));
        } else if (result.getStatus() == ResultStatus.OK) {
            System.out.printf("%-18s %-8s %-16s %-13s %4d in %4d out  $%s  %5d ms  %s%n", request.getRequestId(),
                    request.getPriority(), request.getTaskType(), result.getModel(), result.getUsage().getInputTokens(),
                    result.getUsage().getOutputTokens(), CostCalculator.formatUsd(result.getCostMicros()),
                    result.getLatencyMs(), abbreviate(result.getOutput()));
        } else {
            System.out.printf("%-18s %-8s %-16s ERROR %s: %s%n", request.getRequestId(), request.getPriority(),
                    request.getTaskType(), result.getError().getKind(), result.getError().getMessage());
        }
    }

    private static void summarize(List<LlmResult> results, List<InvocationEvent> invocations) {
        Map<String, long[]> byModel = new TreeMap<>();
        Map<String, long[]> byTenant = new TreeMap<>();
        for (LlmResult result : results) {
            if (result.getStatus() != ResultStatus.OK) {
                continue;
            }
            if (result.getCacheHit()) {
                continue;
            }
            long[] m = byModel.computeIfAbsent(result.getModel(), k -> new long[4]);
            m[0]++;
            m[1] += result.getUsage().getInputTokens();
            m[2] += result.getUsage().getOutputTokens();
            m[3] += result.getCostMicros();
            byTenant.computeIfAbsent(result.getTenantId(), k -> new long[4])[3] += result.getCostMicros();
        }
        System.out.printf("%nCost by model%n%-16s %8s %10s %10s %12s%n", "model", "answers", "tokens in", "tokens out", "cost USD");
        long total = 0;
        for (var entry : byModel.entrySet()) {
            long[] m = entry.getValue();
            total += m[3];
            System.out.printf("%-16s %8d %10d %10d %12s%n", entry.getKey(), m[0], m[1], m[2], CostCalculator.formatUsd(m[3]));
        }
        System.out.printf("%-16s %8s %10s %10s %12s%n", "total", "", "", "", CostCalculator.formatUsd(total));
        System.out.println("Cost by tenant");
        byTenant.forEach((tenant, t) -> System.out.printf("  %-14s %12s%n", tenant, CostCalculator.formatUsd(t[3])));
        long billed = invocations.stream().filter(InvocationEvent::getBilled).count();
        long ledger = invocations.stream().mapToLong(InvocationEvent::getCostMicros).sum();
        long errors = results.stream().filter(r -> r.getStatus() == ResultStatus.ERROR).count();
        long hits = results.stream().filter(LlmResult::getCacheHit).count();
        long saved = results.stream().mapToLong(LlmResult::getSavedCostMicros).sum();
        System.out.printf("Invocation events: %d (%d billed), ledger total $%s; answered from the cache: %d (saved $%s); error results: %d%n",
                invocations.size(), billed, CostCalculator.formatUsd(ledger), hits, CostCalculator.formatUsd(saved), errors);
    }

    private static String abbreviate(String text) {
        if (text == null) {
            return "";
        }
        String flat = text.replace('\n', ' ');
        return flat.length() <= 70 ? flat : flat.substring(0, 67) + "...";
    }
}
