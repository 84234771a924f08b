package io.llmpipeline.launcher.chaos;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.llmpipeline.catalog.CostCalculator;
import io.llmpipeline.catalog.Pricing;

/**
 * What one budgeted request costs at the provider, asked of the simulator directly (before the
 * pipeline runs, so the budget can be written into the catalog the router starts with).
 */
final class BudgetCalibration {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BudgetCalibration() {
    }

    /** Mean cost in micro-dollars of {@code samples} calls shaped like the run's budgeted requests. */
    static BigDecimal meanCostMicros(String simulatorBaseUrl, String providerModel, Pricing price, int samples) {
        HttpClient http = HttpClient.newHttpClient();
        long total = 0;
        for (int i = 0; i < samples; i++) {
            String body = JSON.createObjectNode()
                    .put("model", providerModel)
                    .put("max_tokens", ChaosLoad.MAX_TOKENS)
                    .set("messages", JSON.createArrayNode().add(JSON.createObjectNode()
                            .put("role", "user").put("content", ChaosLoad.prompt(1_000 * (i + 1)))))
                    .toString();
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(simulatorBaseUrl + "/v1/chat/completions"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                JsonNode usage = JSON.readTree(response.body()).path("usage");
                total += CostCalculator.costMicros(price, usage.path("prompt_tokens").asInt(),
                        usage.path("completion_tokens").asInt(), 0, 0);
            } catch (IOException e) {
                throw new IllegalStateException("cannot calibrate the budget against the simulator: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted calibrating the budget", e);
            }
        }
        return BigDecimal.valueOf(total).divide(BigDecimal.valueOf(samples), 6, java.math.RoundingMode.HALF_UP);
    }
}
