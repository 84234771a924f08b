package io.llmpipeline.worker.provider;

import java.io.InterruptedIOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

import io.llmpipeline.schemas.ErrorKind;

/**
 * A call that got no response: the connection failed or broke before the first byte. Retryable
 * by nature; cheap (no stack trace), since thousands may fail at once when a provider goes down.
 */
public sealed class TransportException extends RuntimeException permits CallTimeoutException {

    public TransportException(String message) {
        super(message, null, false, false);
    }

    /** The kind an attempt that ended this way is recorded with. */
    public ErrorKind kind() {
        return ErrorKind.TRANSPORT;
    }

    /** The typed form of whatever the HTTP client failed with; timeouts become {@link CallTimeoutException}. */
    public static TransportException from(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof TransportException typed) {
            return typed;
        }
        String message = describe(cause);
        // SocketTimeoutException and HttpClient's ConnectTimeoutException are InterruptedIOExceptions;
        // HttpClient's deadline and pool-lease timeouts are TimeoutExceptions
        if (cause instanceof InterruptedIOException || cause instanceof TimeoutException) {
            return new CallTimeoutException(message);
        }
        return new TransportException(message);
    }

    static String describe(Throwable cause) {
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
}
