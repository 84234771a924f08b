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
import org.eclipse.jetty.util.Fields;
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
    static final String FILES = "/v1/files";
    static final String BATCHES = "/v1/batches";

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
    private final FileUpload uploads;
    private final OpenAiBatches batches;

    ApiHandler(Catalog catalog, ApiKeys keys, Submissions submissions, AsyncRequests async, Readiness readiness,
               ApiMetrics metrics, Executor completions, Duration resultTimeout, ApiFormat openAi, ApiFormat anthropic,
               FileUpload uploads, OpenAiBatches batches) {
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
        this.uploads = uploads;
        this.batches = batches;
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
        } else if (path.equals(FILES) || path.startsWith(FILES + "/") || path.equals(BATCHES) || path.startsWith(BATCHES + "/")) {
            batchApi(request, method, path, caller.tenant(), exchange);
        } else {
            throw ApiError.notFound("no route " + method + " " + path);
        }
    }

    private void batchApi(Request request, String method, String path, String tenant, Exchange exchange) {
        String[] segments = path.substring(4).split("/", -1); // after "/v1/"
        boolean post = HttpMethod.POST.is(method);
        boolean get = HttpMethod.GET.is(method);
        if (post && path.equals(FILES)) {
            exchange.json(200, uploads.accept(tenant, request));
        } else if (get && segments[0].equals("files") && segments.length == 2) {
            exchange.json(200, batches.file(tenant, segments[1]).orElseThrow(() -> ApiError.notFound("no file '" + segments[1] + "'")));
        } else if (get && segments[0].equals("files") && segments.length == 3 && segments[2].equals("content")) {
            exchange.file(batches.content(tenant, segments[1]));
        } else if (post && path.equals(BATCHES)) {
            exchange.json(200, batches.create(tenant, body(request)));
        } else if (get && path.equals(BATCHES)) {
            Fields query = Request.extractQueryParameters(request);
            String limit = query.getValue("limit");
            Integer pageSize;
            try {
                pageSize = limit == null ? null : Integer.valueOf(limit);
            } catch (NumberFormatException e) {
                throw ApiError.invalid("limit", "'limit' must be an integer, not '" + limit + "'");
            }
            exchange.json(200, batches.list(tenant, pageSize, query.getValue("after")));
        } else if (get && segments[0].equals("batches") && segments.length == 2) {
            exchange.json(200, batches.get(tenant, segments[1]));
        } else if (post && segments[0].equals("batches") && segments.length == 3 && segments[2].equals("cancel")) {
            exchange.json(200, batches.cancel(tenant, segments[1]));
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
        if (path.startsWith(FILES + "/")) {
            return path.endsWith("/content") ? FILES + "/{id}/content" : FILES + "/{id}";
        }
        if (path.startsWith(BATCHES + "/")) {
            return path.endsWith("/cancel") ? BATCHES + "/{id}/cancel" : BATCHES + "/{id}";
        }
        return switch (path) {
            case CHAT, MESSAGES, REQUESTS, FILES, BATCHES, "/healthz", "/readyz", "/metrics" -> path;
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

        /** Streams a stored file: handlers run on virtual threads, so a blocking copy holds no platform thread. */
        void file(java.nio.file.Path path) {
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/jsonl");
            try (java.io.OutputStream out = Content.Sink.asOutputStream(response)) {
                java.nio.file.Files.copy(path, out);
            } catch (java.io.IOException e) {
                metrics.answered(endpoint, 500, Duration.ofNanos(System.nanoTime() - startedNanos));
                callback.failed(e);
                return;
            }
            metrics.answered(endpoint, 200, Duration.ofNanos(System.nanoTime() - startedNanos));
            callback.succeeded();
        }

        void text(int status, String contentType, String body) {
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
            metrics.answered(endpoint, status, Duration.ofNanos(System.nanoTime() - startedNanos));
            response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
        }
    }
}
