package io.llmpipeline.router.internals.coalescing;

/**
 * A request with this cache key is on its way to a provider; identical requests wait for its answer.
 *
 * @param leaderId    the request whose result will answer the waiters
 * @param startedAtMs when the leader was sent; a marker older than the in-flight timeout is abandoned
 * @param ttlSeconds  how long the leader's answer is cached
 * @param nextWaiter  sequence number for the next waiter (keeps waiters in arrival order)
 * @param waiters     how many wait now
 */
public record InFlight(String leaderId, long startedAtMs, int ttlSeconds, long nextWaiter, int waiters) {
    InFlight withWaiter() {
        return new InFlight(leaderId, startedAtMs, ttlSeconds, nextWaiter + 1, waiters + 1);
    }

    InFlight promoted(String newLeader, long now, int remainingWaiters) {
        return new InFlight(newLeader, now, ttlSeconds, nextWaiter, remainingWaiters);
    }
}
