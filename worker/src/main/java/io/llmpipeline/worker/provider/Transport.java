package io.llmpipeline.worker.provider;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Sends provider calls. The request run sees only this, so a test can answer calls from a script
 * with no socket; {@link HttpTransport} is the real one.
 */
public interface Transport extends AutoCloseable {

    /**
     * Sends one call. Completes with the response, possibly cut short
     * ({@link RawResponse#complete()} false), or exceptionally with a {@link TransportException}
     * (a {@link CallTimeoutException} for a timeout) when no response began. The call is
     * abandoned after {@code timeout}.
     */
    CompletableFuture<RawResponse> send(HttpCall call, Duration timeout);

    @Override
    void close();
}
