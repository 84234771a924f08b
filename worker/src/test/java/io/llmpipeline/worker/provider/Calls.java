package io.llmpipeline.worker.provider;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.llmpipeline.catalog.GuardsConfig;
import io.llmpipeline.catalog.HttpConfig;
import io.llmpipeline.catalog.ModelConfig;
import io.llmpipeline.catalog.ProviderConfig;
import io.llmpipeline.catalog.ProviderKind;
import io.llmpipeline.schemas.ChatMessage;
import io.llmpipeline.schemas.GenerationParams;
import io.llmpipeline.schemas.Role;

/** Calls and responses for adapter tests. */
final class Calls {
    private Calls() {
    }

    static ProviderCall call(ProviderKind kind, String baseUrl, boolean stream, String passthrough) {
        ProviderConfig provider = new ProviderConfig(kind, baseUrl, null, HttpConfig.defaults(), GuardsConfig.defaults());
        ModelConfig model = new ModelConfig("p", "vendor-model", 4096, 512, null, null, null, null);
        return new ProviderCall("p", provider, "catalog-model", model,
                List.of(new ChatMessage(Role.SYSTEM, "Be brief.", null, null),
                        new ChatMessage(Role.USER, "Hello?", null, null)),
                GenerationParams.newBuilder().setMaxTokens(100).setTemperature(0.0).setStop(List.of("END")).build(),
                100, passthrough, stream, 42);
    }

    static RawResponse ok(String body) {
        return new RawResponse(200, Map.of(), body.getBytes(StandardCharsets.UTF_8), true, null);
    }

    static RawResponse cut(String body) {
        return new RawResponse(200, Map.of(), body.getBytes(StandardCharsets.UTF_8), false,
                new java.io.IOException("Connection reset"));
    }

    static RawResponse status(int status, String body, Map<String, String> headers) {
        return new RawResponse(status, headers, body.getBytes(StandardCharsets.UTF_8), true, null);
    }

    static JsonNode json(HttpCall call) {
        return WireJson.tryParse(call.body());
    }
}
