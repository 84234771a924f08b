package io.llmpipeline.worker.guard;

/**
 * Makes a provider-wide limit from the one the provider announces in its headers when the catalog
 * sets none, so the worker group keeps to the provider's real limit instead of finding it by 429s.
 */
@FunctionalInterface
public interface LimitLearner {
    LimitLearner NONE = (provider, kind, perMinute) -> { };

    /** Which per-minute limit. */
    enum Kind {
        REQUESTS("requests"),
        TOKENS("tokens");

        private final String prefix;

        Kind(String prefix) {
            this.prefix = prefix;
        }

        /** The limit's id in the worker group, the same as a configured provider limit's. */
        public String idFor(String provider) {
            return prefix + ":" + provider;
        }
    }

    void learn(String provider, Kind kind, double announcedPerMinute);
}
