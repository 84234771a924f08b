package io.llmpipeline.sim.internal;

import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;

import io.llmpipeline.sim.FaultScript;
import io.llmpipeline.sim.FaultScripts;

/**
 * Control of a running simulator: {@code PUT /_sim/faults/{model}} (a FaultScript as JSON),
 * {@code PUT /_sim/faults} (a map model -> script, replacing all),
 * {@code GET /_sim/faults}, {@code DELETE /_sim/faults}, {@code GET /_sim/stats},
 * {@code DELETE /_sim/stats} (reset), {@code GET /_sim/health}.
 */
public final class AdminApi {
    public static final String PREFIX = "/_sim/";
    private static final String FAULTS = "/_sim/faults";

    private final ScriptBook scripts;
    private final StatsRecorder stats;

    public AdminApi(ScriptBook scripts, StatsRecorder stats) {
        this.scripts = scripts;
        this.stats = stats;
    }

    public boolean handle(String path, Request request, Response response, Callback callback) {
        String method = request.getMethod();
        if (path.equals("/_sim/health") && HttpMethod.GET.is(method)) {
            return reply(response, callback, 200, "{\"status\":\"UP\"}");
        }
        if (path.equals("/_sim/stats")) {
            if (HttpMethod.GET.is(method)) {
                return reply(response, callback, 200, Json.string(Json.MAPPER.valueToTree(stats.snapshot())));
            }
            if (HttpMethod.DELETE.is(method)) {
                stats.reset();
                return reply(response, callback, 204, null);
            }
        }
        if (path.equals(FAULTS)) {
            if (HttpMethod.GET.is(method)) {
                return reply(response, callback, 200, Json.string(Json.MAPPER.valueToTree(scripts.scripts())));
            }
            if (HttpMethod.DELETE.is(method)) {
                scripts.clear();
                return reply(response, callback, 204, null);
            }
            if (HttpMethod.PUT.is(method)) {
                Content.Source.asStringAsync(request, StandardCharsets.UTF_8).whenComplete((body, failure) -> {
                    if (failure != null) {
                        callback.failed(failure);
                        return;
                    }
                    try {
                        Map<String, FaultScript> all = FaultScripts.parse(body, "PUT /_sim/faults");
                        scripts.clear();
                        all.forEach(scripts::put);
                        reply(response, callback, 200, Json.string(Json.MAPPER.valueToTree(scripts.scripts())));
                    } catch (IllegalArgumentException e) {
                        reply(response, callback, 400, problem(e.getMessage()));
                    }
                });
                return true;
            }
        }
        if (path.startsWith(FAULTS + "/") && HttpMethod.PUT.is(method)) {
            String model = URLDecoder.decode(path.substring(FAULTS.length() + 1), StandardCharsets.UTF_8);
            if (model.isEmpty()) {
                return reply(response, callback, 400, problem("the model is missing: PUT /_sim/faults/{model}"));
            }
            Content.Source.asStringAsync(request, StandardCharsets.UTF_8).whenComplete((body, failure) -> {
                if (failure != null) {
                    callback.failed(failure);
                    return;
                }
                try {
                    FaultScript script = body.isBlank() ? FaultScript.none() : Json.MAPPER.readValue(body, FaultScript.class);
                    scripts.put(model, script);
                    reply(response, callback, 200, Json.string(Json.MAPPER.valueToTree(script)));
                } catch (JsonMappingException e) {
                    reply(response, callback, 400, problem("invalid fault script: " + rootMessage(e)));
                } catch (JsonProcessingException e) {
                    reply(response, callback, 400, problem("invalid JSON: " + e.getOriginalMessage()));
                }
            });
            return true;
        }
        return SimHandler.notFound(response, callback, method + " " + path);
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause instanceof JsonProcessingException json ? json.getOriginalMessage() : cause.getMessage();
    }

    private static String problem(String message) {
        return Json.string(Json.object().put("error", message));
    }

    private static boolean reply(Response response, Callback callback, int status, String body) {
        response.setStatus(status);
        if (body == null) {
            callback.succeeded();
            return true;
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
        return true;
    }
}
