package io.llmpipeline.sim.internal;

/** One message of a prompt, whatever the wire format called its parts. */
public record ChatMessage(String role, String content) {
}
