package io.llmpipeline.sim;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Plain HTTP calls to a simulator, as a provider client would make them. */
final class SimClient {
    static final ObjectMapper JSON = new ObjectMapper();

    private final ProviderSimulator sim;
    private final HttpClient http;

    SimClient(ProviderSimulator sim) {
        this(sim, HttpClient.Version.HTTP_1_1);
    }

    SimClient(ProviderSimulator sim, HttpClient.Version version) {
        this.sim = sim;
        this.http = HttpClient.newBuilder().version(version).connectTimeout(Duration.ofSeconds(5)).build();
    }

    HttpResponse<String> post(String path, String body, String... headers) throws IOException, InterruptedException {
        return http.send(request(path, body, Duration.ofSeconds(10), headers), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String body, Duration timeout, String... headers) throws IOException, InterruptedException {
        return http.send(request(path, body, timeout, headers), HttpResponse.BodyHandlers.ofString());
    }

    CompletableFuture<HttpResponse<String>> postAsync(String path, String body, String... headers) {
        return http.sendAsync(request(path, body, Duration.ofSeconds(10), headers), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(sim.baseUrl() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(String path, String body, Duration timeout, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(sim.baseUrl() + path))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return builder.build();
    }

    static JsonNode json(String body) throws IOException {
        return JSON.readTree(body);
    }

    /** The JSON payloads of the {@code data:} lines of an SSE body, in order. */
    static List<String> sseData(String body) {
        List<String> data = new ArrayList<>();
        for (String line : body.split("\r?\n")) {
            if (line.startsWith("data: ")) {
                data.add(line.substring("data: ".length()));
            }
        }
        return data;
    }

    /** An OpenAI request body. */
    static String openAi(String model, String system, String user, Integer maxTokens, boolean stream) {
        var root = JSON.createObjectNode();
        root.put("model", model);
        var messages = root.putArray("messages");
        if (system != null) {
            messages.addObject().put("role", "system").put("content", system);
        }
        messages.addObject().put("role", "user").put("content", user);
        if (maxTokens != null) {
            root.put("max_tokens", maxTokens);
        }
        if (stream) {
            root.put("stream", true);
            root.putObject("stream_options").put("include_usage", true);
        }
        return root.toString();
    }
}
