package io.llmpipeline.catalog;

/**
 * One model.
 *
 * @param provider        name of the provider serving it
 * @param providerModel   the model's name in the provider's API; defaults to the catalog name
 * @param contextWindow   tokens of prompt plus output the model accepts
 * @param maxOutputTokens largest max_tokens the model allows; also the default when a request sets none
 * @param price           prices per million tokens
 * @param tokenizer       exact encoding, or ESTIMATE
 * @param tier            capability tier, 1 (smallest) to 5 (most capable)
 * @param guards          overrides the provider's guards for this model
 */
public record ModelConfig(
        String provider,
        String providerModel,
        Integer contextWindow,
        Integer maxOutputTokens,
        Pricing price,
        TokenizerKind tokenizer,
        Integer tier,
        GuardsConfig guards) {

    public ModelConfig {
        contextWindow = contextWindow == null ? 8_192 : contextWindow;
        maxOutputTokens = maxOutputTokens == null ? 1_024 : maxOutputTokens;
        price = price == null ? Pricing.free() : price;
        tokenizer = tokenizer == null ? TokenizerKind.ESTIMATE : tokenizer;
        tier = tier == null ? 1 : tier;
    }
}
