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

    private final CallHandler calls;
    private final AdminApi admin;
    private final OpenAiFormat openAi = new OpenAiFormat();

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
        switch (path) {
            case "/v1/chat/completions", "/openai/v1/chat/completions", "/chat/completions" ->
                    calls.handle(openAi, null, false, request, response, callback);
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
