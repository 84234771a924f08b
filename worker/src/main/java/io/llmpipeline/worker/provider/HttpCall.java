package io.llmpipeline.worker.provider;

import java.net.URI;
import java.util.Map;

/**
 * One HTTP request to a provider, as an adapter built it.
 *
 * @param uri     where to POST
 * @param headers request headers, the API key among them; never logged
 * @param body    JSON body
 */
public record HttpCall(URI uri, Map<String, String> headers, byte[] body) {
    @Override
    public String toString() {
        return "HttpCall[" + uri + ", " + body.length + " bytes]";
    }
}
