package io.llmpipeline.http.internal;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.eclipse.jetty.http.HttpFields;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.ResultStatus;

/**
 * {@code POST /v1/requests} and {@code GET /v1/requests/{id}}. The body names the endpoint and its
 * body, as a line of an OpenAI batch file does: {@code {"url": "/v1/chat/completions", "body":
 * {...}, "callback_url": "https://..."}}. The status JSON is also what a callback receives.
 */
final class AsyncRequests {
    static final String OBJECT = "llm.request";

    private final Catalog catalog;
    private final Submissions submissions;
    private final Map<String, ApiFormat> formatsByUrl;
    private final Map<String, byte[]> callbackSecrets;
    private final CallbackSender callbacks;
    private final Duration wait;

    AsyncRequests(Catalog catalog, Submissions submissions, Map<String, ApiFormat> formatsByUrl, Map<String, byte[]> callbackSecrets,
                  CallbackSender callbacks, Duration wait) {
        this.catalog = catalog;
        this.submissions = submissions;
        this.formatsByUrl = formatsByUrl;
        this.callbackSecrets = callbackSecrets;
        this.callbacks = callbacks;
        this.wait = wait;
    }

    /** Accepts the request and answers its queued status; the result comes later. */
    ObjectNode submit(String tenant, ObjectNode body, HttpFields headers) {
        String url = Json.requiredText(body, "url");
        ApiFormat format = formatsByUrl.get(url);
        if (format == null) {
            throw ApiError.invalid("url", "url '" + url + "' is not one of " + new java.util.TreeSet<>(formatsByUrl.keySet()));
        }
        JsonNode inner = body.get("body");
        if (inner == null || !inner.isObject()) {
            throw ApiError.invalid("body", "'body' must be the JSON object " + url + " takes");
        }
        ParsedCall call = format.parse((ObjectNode) inner, catalog);
        if (call.stream()) {
            throw ApiError.invalid("body.stream", "an async request cannot stream; poll GET /v1/requests/{id} or give a callback_url");
        }
        URI callback = callbackUrl(body, tenant);
        Submissions.Submitted submitted = submissions.submit(tenant, call, format, headers, null, wait);
        if (callback != null) {
            byte[] secret = callbackSecrets.get(tenant);
            submitted.result().thenAccept(result -> callbacks.send(callback, submitted.id(),
                    Json.write(status(submitted.id(), new Submissions.Found(format.name(), submitted.submittedMs(), result), format)), secret));
        }
        return status(submitted.id(), new Submissions.Found(format.name(), submitted.submittedMs(), null), format);
    }

    private URI callbackUrl(ObjectNode body, String tenant) {
        JsonNode value = body.get("callback_url");
        if (value == null || value.isNull()) {
            return null;
        }
        URI uri;
        try {
            uri = URI.create(value.asText());
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid("callback_url", "callback_url is not a URL: " + e.getMessage());
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw ApiError.invalid("callback_url", "callback_url must be an absolute http(s) URL");
        }
        if (!callbackSecrets.containsKey(tenant)) {
            throw ApiError.invalid("callback_url", "tenant '" + tenant + "' has no callback secret: set tenants." + tenant
                    + ".callbackSecretEnv in pipeline.yaml and that variable in the API's environment");
        }
        return uri;
    }

    Optional<ObjectNode> find(String id, String tenant) {
        return submissions.find(id, tenant).map(found -> status(id, found,
                formatsByUrl.values().stream().filter(f -> f.name().equals(found.format())).findFirst().orElseThrow()));
    }

    /** The status JSON: queued, or completed / failed with the response the sync endpoint would have given. */
    static ObjectNode status(String id, Submissions.Found found, ApiFormat format) {
        ObjectNode status = Json.object();
        status.put("id", id);
        status.put("object", OBJECT);
        status.put("created_at", found.submittedMs() / 1000);
        LlmResult result = found.result();
        if (result == null) {
            status.put("status", "queued");
            return status;
        }
        boolean ok = result.getStatus() == ResultStatus.OK;
        status.put("status", ok ? "completed" : "failed");
        status.put("completed_at", result.getCompletedAtMs() / 1000);
        ObjectNode response = status.putObject("response");
        if (ok) {
            response.put("status_code", 200);
            response.set("body", format.success(result, id));
        } else {
            ApiError error = ErrorKinds.of(result.getError());
            response.put("status_code", error.status());
            response.set("body", format.error(error));
        }
        ObjectNode pipeline = status.putObject("pipeline");
        pipeline.put("cost_micros", result.getCostMicros());
        pipeline.put("cache_hit", result.getCacheHit());
        pipeline.put("model", result.getModel());
        pipeline.put("provider", result.getProvider());
        pipeline.put("attempts", result.getAttempts());
        return status;
    }
}
