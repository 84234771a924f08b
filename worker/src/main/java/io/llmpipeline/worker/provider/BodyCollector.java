package io.llmpipeline.worker.provider;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * Collects a response body and, unlike the stock consumers, keeps what arrived when the
 * connection breaks mid-body: a cut stream still shows how much of an answer was received and
 * what usage the provider had reported by then.
 */
final class BodyCollector implements AsyncResponseConsumer<RawResponse> {
    private final ByteArrayOutputStream body = new ByteArrayOutputStream(512);
    private volatile int status = -1;
    private volatile Map<String, String> headers = Map.of();
    private FutureCallback<RawResponse> callback;

    @Override
    public void consumeResponse(HttpResponse response, EntityDetails entity, HttpContext context,
                                FutureCallback<RawResponse> resultCallback) {
        Map<String, String> h = new HashMap<>();
        for (Header header : response.getHeaders()) {
            h.put(header.getName().toLowerCase(Locale.ROOT), header.getValue());
        }
        headers = h;
        status = response.getCode();
        if (entity == null) {
            resultCallback.completed(snapshot(true, null));
        } else {
            callback = resultCallback;
        }
    }

    @Override
    public void informationResponse(HttpResponse response, HttpContext context) {
        // 1xx responses carry nothing we use
    }

    @Override
    public void updateCapacity(CapacityChannel capacityChannel) throws java.io.IOException {
        capacityChannel.update(Integer.MAX_VALUE);
    }

    @Override
    public void consume(ByteBuffer src) {
        synchronized (body) {
            if (src.hasArray()) {
                body.write(src.array(), src.arrayOffset() + src.position(), src.remaining());
                src.position(src.limit());
            } else {
                while (src.hasRemaining()) {
                    body.write(src.get());
                }
            }
        }
    }

    @Override
    public void streamEnd(List<? extends Header> trailers) {
        FutureCallback<RawResponse> cb = callback;
        if (cb != null) {
            cb.completed(snapshot(true, null));
        }
    }

    @Override
    public void failed(Exception cause) {
        // the client reports the failure to the caller's callback, which reads snapshot() from here
    }

    @Override
    public void releaseResources() {
        // the buffer is garbage once the result is built
    }

    /** Whether a status line arrived before a failure. */
    boolean responseStarted() {
        return status >= 0;
    }

    RawResponse snapshot(boolean complete, Throwable cause) {
        byte[] bytes;
        synchronized (body) {
            bytes = body.toByteArray();
        }
        return new RawResponse(status, headers, bytes, complete, cause);
    }
}
