package io.llmpipeline.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;

import org.junit.jupiter.api.Test;

class CostCalculatorTest {
    private final Pricing price = new Pricing(new BigDecimal("2.50"), new BigDecimal("10.00"), new BigDecimal("1.25"), new BigDecimal("3.75"));

    @Test
    void shouldPriceTokensInMicroDollars() {
        // 1,000 input x $2.50/M = 2,500 micro-dollars; 500 output x $10/M = 5,000
        assertThat(CostCalculator.costMicros(price, 1_000, 500, 0, 0)).isEqualTo(7_500);
    }

    @Test
    void shouldPriceCachedAndCacheWriteTokensSeparately() {
        // 1,000 input of which 600 cached ($1.25) and 200 written ($3.75): 200x2.5 + 600x1.25 + 200x3.75 = 500 + 750 + 750
        assertThat(CostCalculator.costMicros(price, 1_000, 0, 600, 200)).isEqualTo(2_000);
    }

    @Test
    void shouldRoundEachAttemptHalfUpButReserveTheCeiling() {
        Pricing cheap = new Pricing(new BigDecimal("0.15"), new BigDecimal("0.60"), null, null);
        assertThat(CostCalculator.costMicros(cheap, 10, 0, 0, 0)).isEqualTo(2); // 1.5 -> 2
        assertThat(CostCalculator.costMicros(cheap, 3, 0, 0, 0)).isEqualTo(0); // 0.45 -> 0
        assertThat(CostCalculator.worstCaseMicros(cheap, 3, 0)).isEqualTo(1); // 0.45 -> 1
    }

    @Test
    void shouldFormatMicrosAsDollars() {
        assertThat(CostCalculator.formatUsd(7_500)).isEqualTo("0.007500");
    }
}
