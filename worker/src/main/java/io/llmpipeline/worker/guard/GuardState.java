package io.llmpipeline.worker.guard;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/**
 * One model's guards as seen from outside, at one moment.
 *
 * @param breaker                 the breaker's state
 * @param coolingDownUntilMs      end of the cooldown in epoch ms; null when not cooling down
 * @param reason                  why it cools down; null when it does not
 * @param calls                   calls the breaker let through since the worker started
 * @param breakerOpenedAfterCalls calls made when the breaker first opened; -1 while it never has
 */
public record GuardState(CircuitBreaker.State breaker, Long coolingDownUntilMs, String reason, long calls,
                         long breakerOpenedAfterCalls) {
}
