package io.llmpipeline.worker.provider;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What came back from a provider, possibly cut short.
 *
 * @param status   HTTP status
 * @param headers  response headers, names lower-cased
 * @param body     the bytes received
 * @param complete false when the connection broke or the attempt timed out after the response began
 * @param cutBy    why it is incomplete; null when complete
 */
public record RawResponse(int status, Map<String, String> headers, byte[] body, boolean complete, Throwable cutBy) {
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    public String header(String name) {
        return headers.get(name);
    }
}
