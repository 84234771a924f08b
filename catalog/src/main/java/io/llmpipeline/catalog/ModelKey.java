package io.llmpipeline.catalog;

/**
 * The key that names a model across the pipeline: {@code provider/model}. It keys provider
 * health, the router's model statistics and breakers; built here only, so every topic agrees.
 */
public final class ModelKey {
    private ModelKey() {
    }

    public static String of(String provider, String model) {
        return provider + "/" + model;
    }
}
