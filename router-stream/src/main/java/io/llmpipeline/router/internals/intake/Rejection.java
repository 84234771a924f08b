package io.llmpipeline.router.internals.intake;

import io.llmpipeline.schemas.ErrorKind;

/** Why the router refuses a request: the error kind and a message that says exactly what is wrong. */
public record Rejection(ErrorKind kind, String message) {
    public static Rejection invalid(String message) {
        return new Rejection(ErrorKind.INVALID_REQUEST, message);
    }
}
