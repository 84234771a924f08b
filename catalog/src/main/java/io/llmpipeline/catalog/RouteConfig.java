package io.llmpipeline.catalog;

import java.util.List;

import io.llmpipeline.schemas.CachePolicy;

/**
 * A route: requests whose task type starts with {@code match} go to its candidates.
 *
 * @param match           task-type prefix; the empty string matches everything (the default route)
 * @param candidates      models that may answer, in preference order
 * @param strategy        how to choose among healthy candidates
 * @param minTier         for CAPABILITY: the lowest acceptable tier
 * @param allowPin        whether a request may pin a model (it must be one of the candidates unless {@code pinAny})
 * @param pinAny          a pin may name any catalog model, not only candidates
 * @param cachePolicy     overrides the cache section's policy for this route
 * @param cacheTtlSeconds overrides the cache section's TTL for this route
 * @param shadow          optional shadow traffic for this route
 */
public record RouteConfig(
        String match,
        List<String> candidates,
        Strategy strategy,
        Integer minTier,
        Boolean allowPin,
        Boolean pinAny,
        CachePolicy cachePolicy,
        Integer cacheTtlSeconds,
        ShadowConfig shadow) {

    public RouteConfig {
        match = match == null ? "" : match;
        candidates = candidates == null ? List.of() : List.copyOf(candidates);
        strategy = strategy == null ? Strategy.ORDERED : strategy;
        minTier = minTier == null ? 1 : minTier;
        allowPin = allowPin == null ? Boolean.TRUE : allowPin;
        pinAny = pinAny == null ? Boolean.FALSE : pinAny;
    }
}
