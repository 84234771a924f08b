package io.llmpipeline.router.internals.coalescing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.CacheConfig;
import io.llmpipeline.catalog.RouteConfig;
import io.llmpipeline.schemas.CachePolicy;
import io.llmpipeline.schemas.ChatMessage;
import io.llmpipeline.schemas.GenerationParams;
import io.llmpipeline.schemas.LlmRequest;

/**
 * Decides whether a request may be answered from the cache, and under which key: the SHA-256 of a
 * canonical JSON form of everything that changes the answer — the pinned model (or, unpinned, the
 * route, so any healthy candidate's answer serves), the sampling parameters, the passthrough JSON
 * with its keys sorted, and the messages. The tenant, priority, metadata and stream flag do not
 * change the answer and are left out.
 */
public final class CacheKeys {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Catalog catalog;

    public CacheKeys(Catalog catalog) {
        this.catalog = catalog;
    }

    /** The cache key of a request, or null when the cache is off for it. */
    public String keyOf(LlmRequest request) {
        RouteConfig route = catalog.routeFor(request.getTaskType()).orElse(null);
        CachePolicy policy = effectivePolicy(request, route, catalog.config().cache());
        if (!cacheable(policy, request.getParams())) {
            return null;
        }
        return key(request, route == null ? null : route.match());
    }

    /** How long an answer to this request stays cached: the request's TTL, else the route's, else the default. */
    public int ttlSeconds(LlmRequest request) {
        RouteConfig route = catalog.routeFor(request.getTaskType()).orElse(null);
        return request.getCacheTtlSeconds() != null ? request.getCacheTtlSeconds()
                : route != null && route.cacheTtlSeconds() != null ? route.cacheTtlSeconds()
                : catalog.config().cache().ttlSeconds();
    }

    static CachePolicy effectivePolicy(LlmRequest request, RouteConfig route, CacheConfig cache) {
        if (request.getCachePolicy() != null && request.getCachePolicy() != CachePolicy.ROUTE_DEFAULT) {
            return request.getCachePolicy();
        }
        if (route != null && route.cachePolicy() != null && route.cachePolicy() != CachePolicy.ROUTE_DEFAULT) {
            return route.cachePolicy();
        }
        return cache.policy();
    }

    static boolean cacheable(CachePolicy policy, GenerationParams params) {
        return switch (policy) {
            case DISABLED -> false;
            case AGGRESSIVE -> true;
            case CONSERVATIVE, ROUTE_DEFAULT -> params != null
                    && (params.getSeed() != null || params.getTemperature() != null && params.getTemperature() == 0.0);
        };
    }

    /** @param route the matching route's prefix; null when no route matches */
    public static String key(LlmRequest request, String route) {
        ObjectNode canonical = JsonNodeFactory.instance.objectNode();
        if (request.getModel() != null) {
            canonical.put("model", request.getModel());
        } else if (route != null) {
            canonical.put("route", route);
        }
        GenerationParams p = request.getParams();
        ObjectNode params = canonical.putObject("params");
        if (p != null) {
            params.put("max_tokens", p.getMaxTokens());
            params.put("temperature", p.getTemperature());
            params.put("top_p", p.getTopP());
            params.put("seed", p.getSeed());
            ArrayNode stop = params.putArray("stop");
            p.getStop().forEach(stop::add);
        }
        if (request.getPassthroughJson() != null) {
            canonical.set("passthrough", sorted(parse(request.getPassthroughJson())));
        }
        ArrayNode messages = canonical.putArray("messages");
        for (ChatMessage m : request.getMessages()) {
            ObjectNode node = messages.addObject();
            node.put("role", m.getRole().name());
            node.put("content", m.getContent());
            if (m.getName() != null) {
                node.put("name", m.getName());
            }
            if (m.getToolCallId() != null) {
                node.put("tool_call_id", m.getToolCallId());
            }
        }
        return sha256(canonical.toString());
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JacksonException e) {
            // validation refuses invalid passthrough before this point; hash the text as given
            return JsonNodeFactory.instance.textNode(json);
        }
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            names.forEach(n -> out.set(n, sorted(node.get(n))));
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(e -> out.add(sorted(e)));
            return out;
        }
        return node;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
