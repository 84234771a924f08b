package io.llmpipeline.sim.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Routes each request by path to its wire format, or to the admin API. */
public final class SimHandler extends Handler.Abstract.NonBlocking {
    private static final String GEMINI_PREFIX = "/gemini/v1beta/models/";
    private static final String GEMINI_NATIVE_PREFIX = "/v1beta/models/";

    private final CallHandler calls;
    private final AdminApi admin;
    private final OpenAiFormat openAi = new OpenAiFormat();
    private final AnthropicFormat anthropic = new AnthropicFormat();
    private final OllamaFormat ollama = new OllamaFormat();
    private final GeminiFormat gemini = new GeminiFormat();

    public SimHandler(CallHandler calls, AdminApi admin) {
        this.calls = calls;
        this.admin = admin;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        if (path.startsWith(AdminApi.PREFIX)) {
            return admin.handle(path, request, response, callback);
        }
        if (!HttpMethod.POST.is(request.getMethod())) {
            return notFound(response, callback, request.getMethod() + " " + path);
        }
        // each provider under its own prefix, and also at its native path for clients that only take a host
        switch (path) {
            case "/v1/chat/completions", "/openai/v1/chat/completions", "/chat/completions" ->
                    calls.handle(openAi, null, false, request, response, callback);
            case "/anthropic/v1/messages", "/v1/messages" -> calls.handle(anthropic, null, false, request, response, callback);
            case "/ollama/api/chat", "/api/chat" -> calls.handle(ollama, null, false, request, response, callback);
            default -> {
                return gemini(path, request, response, callback);
            }
        }
        return true;
    }

    private boolean gemini(String path, Request request, Response response, Callback callback) {
        String rest;
        if (path.startsWith(GEMINI_PREFIX)) {
            rest = path.substring(GEMINI_PREFIX.length());
        } else if (path.startsWith(GEMINI_NATIVE_PREFIX)) {
            rest = path.substring(GEMINI_NATIVE_PREFIX.length());
        } else {
            return notFound(response, callback, "POST " + path);
        }
        int colon = rest.lastIndexOf(':');
        String model = colon > 0 ? rest.substring(0, colon) : "";
        String method = colon > 0 ? rest.substring(colon + 1) : "";
        switch (method) {
            case "generateContent" -> calls.handle(gemini, model, false, request, response, callback);
            case "streamGenerateContent" -> calls.handle(gemini, model, true, request, response, callback);
            default -> {
                return notFound(response, callback, "POST " + path);
            }
        }
        return true;
    }

    static boolean notFound(Response response, Callback callback, String what) {
        response.setStatus(404);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        String body = "{\"error\":{\"message\":\"provider-sim has no route " + what.replace("\"", "'")
                + "\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"unknown_url\"}}";
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
        return true;
    }
}
