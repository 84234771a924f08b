package io.llmpipeline.worker.provider;

import io.llmpipeline.schemas.ErrorKind;

/** No response began within the call's timeout (connect, pool lease, first byte, or the total bound). */
public final class CallTimeoutException extends TransportException {

    public CallTimeoutException(String message) {
        super(message);
    }

    @Override
    public ErrorKind kind() {
        return ErrorKind.TIMEOUT;
    }
}
