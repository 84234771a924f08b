package io.llmpipeline.worker.guard;

/**
 * What part of each shared limit this worker may use, by limit id, in [0, 1]. In a worker group
 * it comes from the group's quota membership (no network hop: the membership refreshes it in the
 * background); a worker alone, or a test, holds the whole of every limit.
 */
@FunctionalInterface
public interface LimitShares {
    /** A worker that shares its limits with nobody. */
    LimitShares WHOLE = limit -> 1.0;

    double fraction(String limitId);
}
