package io.llmpipeline.sim.internal;

/** The client sent something the provider would reject with a 400; the message says what. */
public final class BadRequest extends Exception {
    private final String param;

    public BadRequest(String message, String param) {
        super(message, null, false, false);
        this.param = param;
    }

    public BadRequest(String message) {
        this(message, null);
    }

    /** The offending request field, if known. */
    public String param() {
        return param;
    }
}
