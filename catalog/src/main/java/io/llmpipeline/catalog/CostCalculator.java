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
        return exact(price, inputTokens, outputTokens, cachedInputTokens, cacheCreationTokens)
                .setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    /**
     * The same cost rounded up: what budgets book, so that the sum of booked attempts is never below
     * what a provider bills for them together (half-up rounding of each could fall short of it by
     * up to half a micro-dollar per attempt).
     */
    public static long bookedMicros(Pricing price, int inputTokens, int outputTokens, int cachedInputTokens,
                                    int cacheCreationTokens) {
        return exact(price, inputTokens, outputTokens, cachedInputTokens, cacheCreationTokens)
                .setScale(0, RoundingMode.CEILING).longValueExact();
    }

    private static BigDecimal exact(Pricing price, int inputTokens, int outputTokens, int cachedInputTokens,
                                    int cacheCreationTokens) {
        int regularInput = Math.max(0, inputTokens - cachedInputTokens - cacheCreationTokens);
        return price.inputPerMTok().multiply(BigDecimal.valueOf(regularInput))
                .add(price.cachedInputPerMTok().multiply(BigDecimal.valueOf(cachedInputTokens)))
                .add(price.cacheWritePerMTok().multiply(BigDecimal.valueOf(cacheCreationTokens)))
                .add(price.outputPerMTok().multiply(BigDecimal.valueOf(outputTokens)));
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
