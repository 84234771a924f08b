package io.llmpipeline.http;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.http.internal.ApiKeys;

/**
 * The bundled demo catalog's API key, of its {@code demo} tenant. It is public (the catalog holds
 * its hash, this class the key, and {@code ./pipeline up} prints it): fine on a laptop, replaced in
 * any real deployment.
 */
public final class DemoKey {
    public static final String KEY = "llmp-demo-3f9c1a7e5b2d4c6a";

    private DemoKey() {
    }

    /** Whether this catalog still accepts the demo key. */
    public static boolean acceptedBy(Catalog catalog) {
        String hash = ApiKeys.sha256Hex(KEY);
        return catalog.config().apiKeys().stream().anyMatch(key -> key.sha256().equals(hash));
    }
}
