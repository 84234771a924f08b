package io.llmpipeline.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import io.llmpipeline.http.internal.ApiParts;

/** Async requests with callbacks, Anthropic's shape, and the probes, over plain HTTP (the SDK has no method for these). */
@ExtendWith(SharedPipeline.class)
class AsyncAndMessagesTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static PipelineUnderTest pipeline;
    static HttpApi api;
    static final List<Duration> retryWaits = new CopyOnWriteArrayList<>();
    static HttpServer receiver;
    static final AtomicInteger deliveries = new AtomicInteger();
    static final List<String[]> accepted = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start(PipelineUnderTest shared) throws Exception {
        pipeline = shared;
        // retries run at once, and the waits asked for are recorded: the backoff is checked without waiting it out
        RetryScheduler immediate = (wait, task) -> {
            retryWaits.add(wait);
            task.run();
        };
        api = pipeline.startApi(HttpApiOptions.defaults().withCallbacks(immediate, 5, Duration.ofSeconds(1)));
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            // the receiver is down for the first two deliveries
            int status = deliveries.incrementAndGet() <= 2 ? 503 : 204;
            if (status == 204) {
                accepted.add(new String[] {body, exchange.getRequestHeaders().getFirst("X-LLM-Signature")});
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterAll
    static void stop() {
        receiver.stop(0);
        api.close();
    }

    private static HttpResponse<String> call(HttpApi target, String method, String path, String key, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.baseUrl() + path)).timeout(Duration.ofSeconds(90))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    @Test
    void shouldAcceptAtOnceAnswerLaterCallBackSignedAfterRetriesAndFindItAgainAfterARestart() throws Exception {
        String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        HttpResponse<String> accepted202 = call(api, "POST", "/v1/requests", PipelineUnderTest.ACME_KEY, """
                {"url": "/v1/chat/completions", "callback_url": "%s",
                 "body": {"model": "auto", "messages": [{"role": "user", "content": "async question"}], "max_tokens": 32}}
                """.formatted(hook));
        assertThat(accepted202.statusCode()).as(accepted202.body()).isEqualTo(202);
        String id = json(accepted202).get("id").asText();
        assertThat(json(accepted202).get("status").asText()).isEqualTo("queued");

        await().atMost(Duration.ofSeconds(60)).until(() -> json(call(api, "GET", "/v1/requests/" + id, PipelineUnderTest.ACME_KEY, null))
                .get("status").asText().equals("completed"));
        JsonNode done = json(call(api, "GET", "/v1/requests/" + id, PipelineUnderTest.ACME_KEY, null));
        assertThat(done.at("/response/status_code").asInt()).isEqualTo(200);
        assertThat(done.at("/response/body/object").asText()).isEqualTo("chat.completion");
        assertThat(done.at("/response/body/choices/0/message/content").asText()).endsWith("async question");
        assertThat(done.at("/pipeline/cost_micros").asLong()).isPositive();

        assertThat(call(api, "GET", "/v1/requests/" + id, PipelineUnderTest.GLOBEX_KEY, null).statusCode())
                .as("another tenant's request").isEqualTo(404);

        await().atMost(Duration.ofSeconds(30)).until(() -> accepted.size() == 1);
        assertThat(deliveries.get()).isEqualTo(3);
        assertThat(retryWaits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
        String[] delivery = accepted.get(0);
        assertThat(delivery[1]).isEqualTo(ApiParts.callbackSignature(delivery[0], PipelineUnderTest.ACME_SECRET));
        assertThat(JSON.readTree(delivery[0])).isEqualTo(done);

        // a new API process remembers nothing: the id says which partition of llm.results to read, and from when
        try (HttpApi restarted = HttpApi.start(pipeline.catalog, pipeline.bootstrap, HttpApiOptions.defaults())) {
            JsonNode found = json(call(restarted, "GET", "/v1/requests/" + id, PipelineUnderTest.ACME_KEY, null));
            assertThat(found.get("status").asText()).isEqualTo("completed");
            assertThat(found.at("/response/body")).isEqualTo(done.at("/response/body"));
            assertThat(call(restarted, "GET", "/v1/requests/" + id, PipelineUnderTest.GLOBEX_KEY, null).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void shouldRefuseACallbackForATenantWithoutASecretAndAStreamingAsyncRequest() throws Exception {
        HttpResponse<String> noSecret = call(api, "POST", "/v1/requests", PipelineUnderTest.GLOBEX_KEY, """
                {"url": "/v1/chat/completions", "callback_url": "http://127.0.0.1:9/hook",
                 "body": {"model": "auto", "messages": [{"role": "user", "content": "hi"}]}}""");
        assertThat(noSecret.statusCode()).isEqualTo(400);
        assertThat(json(noSecret).at("/error/param").asText()).isEqualTo("callback_url");
        assertThat(json(noSecret).at("/error/message").asText()).contains("tenants.globex.callbackSecretEnv");

        HttpResponse<String> streaming = call(api, "POST", "/v1/requests", PipelineUnderTest.ACME_KEY, """
                {"url": "/v1/chat/completions", "body": {"model": "auto", "stream": true, "messages": [{"role": "user", "content": "hi"}]}}""");
        assertThat(streaming.statusCode()).isEqualTo(400);
    }

    @Test
    void shouldAnswerAnthropicMessagesInItsShapeAndStreamItsEvents() throws Exception {
        String body = """
                {"model": "claude-3-5-haiku", "max_tokens": 64, "system": "be brief",
                 "messages": [{"role": "user", "content": [{"type": "text", "text": "hello claude"}]}]%s}""";
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.baseUrl() + "/v1/messages"))
                .header("x-api-key", PipelineUnderTest.ACME_KEY).header("anthropic-version", "2023-06-01")
                .header("X-LLM-Task-Type", "draft").header("X-LLM-Priority", "high");
        HttpResponse<String> response = HTTP.send(request.POST(HttpRequest.BodyPublishers.ofString(body.formatted(""))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode message = json(response);
        assertThat(message.get("type").asText()).isEqualTo("message");
        assertThat(message.get("role").asText()).isEqualTo("assistant");
        assertThat(message.at("/content/0/type").asText()).isEqualTo("text");
        assertThat(message.at("/content/0/text").asText()).endsWith("hello claude");
        assertThat(message.get("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(message.at("/usage/input_tokens").asInt()).isPositive();
        assertThat(response.headers().firstValue("X-LLM-Provider")).hasValue("sim-anthropic");

        HttpResponse<String> stream = HTTP.send(request.POST(HttpRequest.BodyPublishers.ofString(body.formatted(", \"stream\": true"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(stream.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
        List<String> events = stream.body().lines().filter(line -> line.startsWith("event: ")).map(line -> line.substring(7)).distinct().toList();
        assertThat(events).containsExactly("message_start", "content_block_start", "ping", "content_block_delta",
                "content_block_stop", "message_delta", "message_stop");
        StringBuilder text = new StringBuilder();
        for (String line : stream.body().lines().filter(l -> l.startsWith("data: ")).toList()) {
            JsonNode data = JSON.readTree(line.substring(6));
            if (data.get("type").asText().equals("content_block_delta")) {
                text.append(data.at("/delta/text").asText());
            }
        }
        assertThat(text.toString()).isEqualTo(message.at("/content/0/text").asText());

        HttpResponse<String> noKey = HTTP.send(HttpRequest.newBuilder(URI.create(api.baseUrl() + "/v1/messages"))
                .POST(HttpRequest.BodyPublishers.ofString(body.formatted(""))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(json(noKey).get("type").asText()).isEqualTo("error");
        assertThat(json(noKey).at("/error/type").asText()).isEqualTo("authentication_error");
    }

    @Test
    void shouldReportHealthReadinessAndPrometheusMetrics() throws Exception {
        assertThat(call(api, "GET", "/healthz", null, null).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).until(() -> call(api, "GET", "/readyz", null, null).statusCode() == 200);
        JsonNode ready = json(call(api, "GET", "/readyz", null, null));
        assertThat(ready.at("/checks/workers").asText()).startsWith("1 live member");

        call(api, "POST", "/v1/chat/completions", null, "{}");
        String metrics = call(api, "GET", "/metrics", null, null).body();
        assertThat(metrics).contains("llm_http_requests_total{endpoint=\"/v1/chat/completions\",status=\"401\"}")
                .contains("llm_http_waiting").contains("process_cpu_usage");
    }
}
