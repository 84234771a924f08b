package io.llmpipeline.catalog;

import java.util.Properties;

/**
 * Kafka client settings given as system properties, {@code <prefix><setting>=<value>}, applied
 * over the pipeline's own: for tuning experiments and fault tests, without a config-file field for
 * every client setting. They are read at start only and never logged (a setting may hold a secret).
 */
public final class ClientOverrides {
    private ClientOverrides() {
    }

    /** Puts every system property starting with {@code prefix}, the prefix taken off, into {@code props}. */
    public static void apply(String prefix, Properties props) {
        System.getProperties().stringPropertyNames().stream().filter(n -> n.startsWith(prefix))
                .forEach(n -> props.put(n.substring(prefix.length()), System.getProperty(n)));
    }
}
