package io.llmpipeline.sim.internal;

import java.util.List;

/** What the simulator will send for one call, once its latency has passed. */
public sealed interface Answer {

    /** A complete HTTP response. {@code retryAfterSeconds} is null when no header is sent. */
    record Full(int status, String contentType, byte[] body, Integer retryAfterSeconds) implements Answer {
    }

    /**
     * A streamed 200 made of frames (SSE events or NDJSON lines); if {@code cutAfter} is not null
     * the stream stops abruptly after that many frames.
     */
    record Streamed(String contentType, List<byte[]> frames, Integer cutAfter) implements Answer {
        public Streamed {
            frames = List.copyOf(frames);
        }
    }

    /** Accept and never answer. */
    record Hang() implements Answer {
    }

    /** Close the connection without an answer. */
    record Drop() implements Answer {
    }
}
