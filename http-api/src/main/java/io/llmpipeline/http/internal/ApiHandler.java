package io.llmpipeline.http.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.ResultStatus;

/**
 * Routes each call: probes and metrics without a key; {@code /v1/...} only with a known key
 * within its rate. A chat call is sent to Kafka and the handler returns at once: the answer is
 * written when the result arrives (on a virtual thread), so a waiting call holds no thread.
 */
public final class ApiHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
    static final String CHAT = "/v1/chat/completions";
    static final String MESSAGES = "/v1/messages";
    static final String REQUESTS = "/v1/requests";

    private final Catalog catalog;
    private final ApiKeys keys;
    private final Submissions submissions;
    private final AsyncRequests async;
    private final Readiness readiness;
    private final ApiMetrics metrics;
    private final Executor completions;
    private final Duration resultTimeout;
    private final ApiFormat openAi;
    private final ApiFormat anthropic;

    ApiHandler(Catalog catalog, ApiKeys keys, Submissions submissions, AsyncRequests async, Readiness readiness,
               ApiMetrics metrics, Executor completions, Duration resultTimeout, ApiFormat openAi, ApiFormat anthropic) {
        this.catalog = catalog;
        this.keys = keys;
        this.submissions = submissions;
        this.async = async;
        this.readiness = readiness;
        this.metrics = metrics;
        this.completions = completions;
        this.resultTimeout = resultTimeout;
        this.openAi = openAi;
        this.anthropic = anthropic;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        long started = System.nanoTime();
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        Exchange exchange = new Exchange(response, callback, endpoint(path), started);
        ApiFormat format = path.equals(MESSAGES) ? anthropic : openAi;
        try {
            if (HttpMethod.GET.is(method) && path.equals("/healthz")) {
                exchange.json(200, Json.object().put("status", "ok"));
            } else if (HttpMethod.GET.is(method) && path.equals("/readyz")) {
                ObjectNode report = readiness.check();
                exchange.json(report.get("ready").asBoolean() ? 200 : 503, report);
            } else if (HttpMethod.GET.is(method) && path.equals("/metrics")) {
                exchange.text(200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
            } else if (path.startsWith("/v1/")) {
                ApiKeys.Caller caller = authenticate(request, exchange, format);
                if (caller != null) {
                    api(request, method, path, caller, format, exchange);
                }
            } else {
                throw ApiError.notFound("no route " + method + " " + path);
            }
        } catch (ApiError e) {
            exchange.error(format, e, null);
        } catch (RuntimeException e) {
            LOG.error("unexpected failure answering {} {}", method, path, e);
            exchange.error(format, new ApiError(500, "api_error", "internal", null, null, true,
                    "the API failed unexpectedly: " + e.getClass().getSimpleName()), null);
        }
        return true;
    }

    private void api(Request request, String method, String path, ApiKeys.Caller caller, ApiFormat format, Exchange exchange) {
        if (HttpMethod.POST.is(method) && (path.equals(CHAT) || path.equals(MESSAGES))) {
            chat(request, caller, format, exchange);
        } else if (HttpMethod.POST.is(method) && path.equals(REQUESTS)) {
            exchange.json(202, async.submit(caller.tenant(), body(request), request.getHeaders()));
        } else if (HttpMethod.GET.is(method) && path.startsWith(REQUESTS + "/")) {
            String id = path.substring(REQUESTS.length() + 1);
            Optional<ObjectNode> status = async.find(id, caller.tenant());
            exchange.json(200, status.orElseThrow(() -> ApiError.notFound("no request '" + id + "'")));
        } else {
            throw ApiError.notFound("no route " + method + " " + path);
        }
    }

    private ApiKeys.Caller authenticate(Request request, Exchange exchange, ApiFormat format) {
        HttpFields headers = request.getHeaders();
        String key = headers.get("x-api-key");
        String authorization = headers.get(HttpHeader.AUTHORIZATION);
        if (key == null && authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            key = authorization.substring(7).strip();
        }
        Optional<ApiKeys.Caller> caller = keys.find(key);
        if (caller.isEmpty()) {
            exchange.error(format, new ApiError(401, "invalid_request_error", "invalid_api_key", null, null, false,
                    key == null ? "no API key: send Authorization: Bearer <key> (or x-api-key)" : "the API key is not valid"), null);
            return null;
        }
        long retryAfter = caller.get().admit();
        if (retryAfter > 0) {
            metrics.rateLimited(caller.get().keyName());
            exchange.error(format, new ApiError(429, "requests", "rate_limit_exceeded", null, null, true,
                    "rate limit of API key '" + caller.get().keyName() + "' reached; retry in " + retryAfter + " s"), retryAfter);
            return null;
        }
        return caller.get();
    }

    private void chat(Request request, ApiKeys.Caller caller, ApiFormat format, Exchange exchange) {
        ParsedCall call = format.parse(body(request), catalog);
        Submissions.Submitted submitted = submissions.submit(caller.tenant(), call, format, request.getHeaders(),
                resultTimeout, resultTimeout.plusSeconds(5));
        submitted.result().whenCompleteAsync((result, failure) -> {
            try {
                if (failure != null) {
                    exchange.error(format, waitFailure(submitted.id(), failure), null);
                } else if (result.getStatus() != ResultStatus.OK) {
                    exchange.result(result, submitted.id());
                    exchange.error(format, ErrorKinds.of(result.getError()), null);
                } else if (call.stream()) {
                    exchange.result(result, submitted.id());
                    exchange.text(200, "text/event-stream; charset=utf-8", format.stream(result, submitted.id(), call.includeUsage()));
                } else {
                    exchange.result(result, submitted.id());
                    exchange.json(200, format.success(result, submitted.id()));
                }
            } catch (RuntimeException e) {
                LOG.error("cannot answer {}", submitted.id(), e);
                exchange.callback.failed(e);
            }
        }, completions);
    }

    private static ApiError waitFailure(String id, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof TimeoutException) {
            return new ApiError(504, "timeout", "result_timeout", null, null, false, "no result for request " + id
                    + " in time; it is still in the pipeline: GET " + REQUESTS + "/" + id + " gives its result when it comes");
        }
        return new ApiError(503, "api_error", "pipeline_unavailable", null, null, true,
                "the request could not be put on Kafka: " + cause.getClass().getSimpleName());
    }

    private static ObjectNode body(Request request) {
        try {
            return Json.parseObject(Content.Source.asString(request, StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw ApiError.invalid(null, "the body could not be read: " + e.getMessage());
        }
    }

    private static String endpoint(String path) {
        if (path.startsWith(REQUESTS + "/")) {
            return REQUESTS + "/{id}";
        }
        return switch (path) {
            case CHAT, MESSAGES, REQUESTS, "/healthz", "/readyz", "/metrics" -> path;
            default -> "other";
        };
    }

    /** One call's response: written once, counted once. */
    private final class Exchange {
        private final Response response;
        private final Callback callback;
        private final String endpoint;
        private final long startedNanos;

        Exchange(Response response, Callback callback, String endpoint, long startedNanos) {
            this.response = response;
            this.callback = callback;
            this.endpoint = endpoint;
            this.startedNanos = startedNanos;
        }

        void result(LlmResult result, String id) {
            PipelineHeaders.describe(result, response.getHeaders());
            response.getHeaders().put(PipelineHeaders.REQUEST_ID, id);
        }

        void json(int status, ObjectNode body) {
            text(status, "application/json", Json.write(body));
        }

        void error(ApiFormat format, ApiError error, Long retryAfterSeconds) {
            HttpFields.Mutable headers = response.getHeaders();
            if (error.kind() != null) {
                headers.put(PipelineHeaders.ERROR_KIND, error.kind().name());
            }
            if (retryAfterSeconds != null) {
                headers.put(HttpHeader.RETRY_AFTER, Long.toString(retryAfterSeconds));
            }
            if (!error.retryable()) {
                headers.put("x-should-retry", "false"); // OpenAI and Anthropic SDKs otherwise retry 429 and 5xx
            }
            json(error.status(), format.error(error));
        }

        void text(int status, String contentType, String body) {
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
            metrics.answered(endpoint, status, Duration.ofNanos(System.nanoTime() - startedNanos));
            response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
        }
    }
}
