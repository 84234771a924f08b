package io.llmpipeline.worker.loop;

/**
 * The pause before the worker starts its Kafka clients again: 1 s, doubling up to 30 s while
 * restarts follow each other without a commit between them. A worker whose restarts keep failing
 * (a broker that keeps going away) tries twice a minute rather than hammering the broker or
 * stopping for good.
 */
final class RestartBackoff {
    static final long FIRST_MS = 1_000;
    static final long MAX_MS = 30_000;

    private long nextMs = FIRST_MS;

    /** The pause before this restart; the next one waits twice as long. */
    long next() {
        long pause = nextMs;
        nextMs = Math.min(MAX_MS, nextMs * 2);
        return pause;
    }

    /** A commit went through: the clients work again. */
    void reset() {
        nextMs = FIRST_MS;
    }
}
