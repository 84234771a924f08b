package io.llmpipeline.worker.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Scripts a running provider-sim through its admin API ({@code /_sim/...}). */
final class SimAdmin {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String base;
    private final HttpClient http = HttpClient.newHttpClient();

    SimAdmin(String base) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    void script(String model, String faultScriptJson) {
        call(HttpRequest.newBuilder(URI.create(base + "/_sim/faults/" + model))
                .PUT(HttpRequest.BodyPublishers.ofString(faultScriptJson)).header("content-type", "application/json").build());
    }

    void reset() {
        call(HttpRequest.newBuilder(URI.create(base + "/_sim/faults")).DELETE().build());
        call(HttpRequest.newBuilder(URI.create(base + "/_sim/stats")).DELETE().build());
    }

    JsonNode stats() {
        try {
            return JSON.readTree(call(HttpRequest.newBuilder(URI.create(base + "/_sim/stats")).GET().build()));
        } catch (IOException e) {
            throw new IllegalStateException("unreadable sim stats", e);
        }
    }

    private String call(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new IllegalStateException(request.method() + " " + request.uri() + " -> " + response.statusCode()
                        + ": " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException("provider-sim admin API unreachable at " + base + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
