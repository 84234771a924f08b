package io.llmpipeline.catalog;

/**
 * Shadow traffic: a sample of a route's requests is also sent to another model, budgeted and
 * logged, never answering the caller. Off unless {@code enabled}.
 *
 * @param model      the model to shadow to
 * @param sampleRate share of requests shadowed, 0 to 1
 * @param enabled    must be true for any shadow call
 */
public record ShadowConfig(String model, Double sampleRate, Boolean enabled) {
    public ShadowConfig {
        sampleRate = sampleRate == null ? 0.0 : sampleRate;
        enabled = enabled == null ? Boolean.FALSE : enabled;
    }
}
