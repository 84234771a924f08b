package io.llmpipeline.catalog;

/** How input tokens are counted for a model. */
public enum TokenizerKind {
    /** Exact, with jtokkit's cl100k_base (GPT-4, GPT-3.5). */
    CL100K_BASE,
    /** Exact, with jtokkit's o200k_base (GPT-4o and later). */
    O200K_BASE,
    /** Estimated from characters, calibrated per model from observed usage. */
    ESTIMATE
}
