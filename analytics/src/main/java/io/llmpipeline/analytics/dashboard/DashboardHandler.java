package io.llmpipeline.analytics.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The dashboard as a Jetty handler: the page, its script and style, Chart.js (from its WebJar, so
 * nothing comes from the internet), and the JSON the page reads ({@code api/...}). Every URL is
 * relative, so another server (the HTTP API) can mount it under any context path.
 */
public final class DashboardHandler extends Handler.Abstract {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RESOURCES = "io/llmpipeline/analytics/dashboard/";
    private final DashboardData data;
    private final Map<String, Supplier<Object>> api;
    private final String chartJs = chartJsResource();

    private final java.util.List<AutoCloseable> owned;

    DashboardHandler(DashboardData data, java.util.List<AutoCloseable> owned) {
        this.data = data;
        this.owned = java.util.List.copyOf(owned);
        this.api = Map.of(
                "/api/summary", data::summary,
                "/api/health", data::health,
                "/api/spend-by-tenant", () -> data.spendOverTime("tenant_id", 48),
                "/api/spend-by-model", () -> data.spendOverTime("model", 48),
                "/api/throughput", data::throughput,
                "/api/budgets", data::budgets,
                "/api/batches", data::batches,
                "/api/recommendations", data::recommendations,
                "/api/rankings", data::rankings);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!"GET".equals(request.getMethod())) {
            return false;
        }
        String path = Request.getPathInContext(request);
        if (path.isEmpty()) {
            // mounted at /dashboard: the page's relative URLs need the trailing slash
            Response.sendRedirect(request, response, callback, request.getHttpURI().getPath() + "/");
            return true;
        }
        Supplier<Object> endpoint = api.get(path);
        if (endpoint != null) {
            Object body;
            try {
                body = endpoint.get();
            } catch (RuntimeException e) {
                send(response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500, "application/json",
                        JSON.writeValueAsBytes(Map.of("error", String.valueOf(e.getMessage()))));
                return true;
            }
            send(response, callback, 200, "application/json", JSON.writeValueAsBytes(body));
            return true;
        }
        return switch (path) {
            case "/", "/index.html" -> resource(response, callback, RESOURCES + "index.html", "text/html");
            case "/static/dashboard.js" -> resource(response, callback, RESOURCES + "dashboard.js", "text/javascript");
            case "/static/dashboard.css" -> resource(response, callback, RESOURCES + "dashboard.css", "text/css");
            case "/static/chart.umd.min.js" -> resource(response, callback, chartJs, "text/javascript");
            default -> false;
        };
    }

    private static boolean resource(Response response, Callback callback, String name, String type) throws IOException {
        try (InputStream in = DashboardHandler.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                return false;
            }
            send(response, callback, 200, type, in.readAllBytes());
            return true;
        }
    }

    private static void send(Response response, Callback callback, int status, String type, byte[] body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type + "; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /** The WebJar's version is in its pom.properties, so a version bump in the pom needs no code change. */
    private static String chartJsResource() {
        try (InputStream in = DashboardHandler.class.getClassLoader()
                .getResourceAsStream("META-INF/maven/org.webjars.npm/chart.js/pom.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return "META-INF/resources/webjars/chart.js/" + properties.getProperty("version", "missing") + "/dist/chart.umd.min.js";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Stops the topic watchers the handler reads health and batches from. */
    @Override
    protected void doStop() throws Exception {
        for (AutoCloseable part : owned) {
            part.close();
        }
        super.doStop();
    }
}
