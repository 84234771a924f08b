package io.llmpipeline.catalog;

import java.math.BigDecimal;

/**
 * Prices in US dollars per million tokens. Multiplying a token count by a price in dollars per
 * million tokens gives micro-dollars directly, the unit the pipeline counts money in.
 *
 * @param inputPerMTok       regular input tokens
 * @param outputPerMTok      output tokens
 * @param cachedInputPerMTok input tokens read from the provider's prompt cache; defaults to the input price
 * @param cacheWritePerMTok  input tokens written to the provider's prompt cache; defaults to the input price
 */
public record Pricing(BigDecimal inputPerMTok, BigDecimal outputPerMTok, BigDecimal cachedInputPerMTok, BigDecimal cacheWritePerMTok) {
    public Pricing {
        inputPerMTok = inputPerMTok == null ? BigDecimal.ZERO : inputPerMTok;
        outputPerMTok = outputPerMTok == null ? BigDecimal.ZERO : outputPerMTok;
        cachedInputPerMTok = cachedInputPerMTok == null ? inputPerMTok : cachedInputPerMTok;
        cacheWritePerMTok = cacheWritePerMTok == null ? inputPerMTok : cacheWritePerMTok;
    }

    public static Pricing free() {
        return new Pricing(null, null, null, null);
    }
}
