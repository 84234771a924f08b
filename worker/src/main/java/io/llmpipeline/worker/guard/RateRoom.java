package io.llmpipeline.worker.guard;

/** What the rate limits of a model answer a call that asks for room. */
public sealed interface RateRoom {

    /** Room is reserved: the call may start at {@code atMs} (now or later) and must not start earlier. */
    record Granted(long atMs) implements RateRoom {
    }

    /**
     * Nothing reserved: the room is further ahead than a worker promises (its share may shrink
     * meanwhile), or this worker holds no share yet. Ask again at {@code atMs}.
     */
    record LookAgain(long atMs) implements RateRoom {
    }

    /** Nothing reserved: at the current rate the call could not start before its deadline. */
    record TooLate() implements RateRoom {
    }
}
