package io.llmpipeline.catalog;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Money arithmetic in integer micro-dollars. A token count times a price in dollars per million
 * tokens is micro-dollars; each attempt's cost is rounded half-up once, at the end.
 */
public final class CostCalculator {
    private CostCalculator() {
    }

    /**
     * Cost of one attempt. {@code inputTokens} is all input, including cached and cache-creation
     * tokens, as the pipeline's Usage record counts it.
     */
    public static long costMicros(Pricing price, int inputTokens, int outputTokens, int cachedInputTokens,
                                  int cacheCreationTokens) {
        int regularInput = Math.max(0, inputTokens - cachedInputTokens - cacheCreationTokens);
        BigDecimal total = price.inputPerMTok().multiply(BigDecimal.valueOf(regularInput))
                .add(price.cachedInputPerMTok().multiply(BigDecimal.valueOf(cachedInputTokens)))
                .add(price.cacheWritePerMTok().multiply(BigDecimal.valueOf(cacheCreationTokens)))
                .add(price.outputPerMTok().multiply(BigDecimal.valueOf(outputTokens)));
        return total.setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    /** Worst case for admission: every input token at the full price plus max output. */
    public static long worstCaseMicros(Pricing price, int inputTokens, int maxOutputTokens) {
        BigDecimal total = price.inputPerMTok().multiply(BigDecimal.valueOf(inputTokens))
                .add(price.outputPerMTok().multiply(BigDecimal.valueOf(maxOutputTokens)));
        return total.setScale(0, RoundingMode.CEILING).longValueExact();
    }

    public static String formatUsd(long micros) {
        return BigDecimal.valueOf(micros).movePointLeft(6).setScale(6, RoundingMode.UNNECESSARY).toPlainString();
    }
}
