package io.llmpipeline.quota;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
    @Test
    void shouldStartEmptyAndLetThroughTheRateOnce() {
        TokenBucket bucket = new TokenBucket(600, 5, 0); // 10 per second

        assertThat(bucket.tryTake(1, 0)).isEqualTo(100);
        assertThat(bucket.tryTake(1, 100)).isZero();
        assertThat(bucket.tryTake(1, 100)).isEqualTo(100);
    }

    @Test
    void shouldNeverHoldMoreThanItsBurstSoAnIdleMinuteIsNotSpentAtOnce() {
        TokenBucket bucket = new TokenBucket(600, 5, 0);

        int taken = 0;
        while (bucket.tryTake(1, 60_000) == 0) {
            taken++;
        }

        assertThat(taken).isEqualTo(5);
    }

    @Test
    void shouldRefundTokensACallDidNotUseAndChargeTheOnesItUsedBeyond() {
        TokenBucket tokens = new TokenBucket(60_000, 2_000, 0); // 1,000 tokens per second
        tokens.tryTake(0, 2_000); // fill
        assertThat(tokens.tryTake(1_500, 2_000)).isZero();

        tokens.correct(1_500, 300, 2_000);
        assertThat(tokens.available(2_000)).isEqualTo(1_700);
        tokens.correct(300, 2_500, 2_000);
        assertThat(tokens.available(2_000)).isEqualTo(-500);
        assertThat(tokens.waitFor(1, 2_000)).isEqualTo(501);
    }

    @Test
    void shouldApplyANewRateFromTheMomentItIsSet() {
        TokenBucket bucket = new TokenBucket(600, 100, 0);
        bucket.setRatePerMinute(60, 1_000); // 10 tokens by now, then 1 per second

        assertThat(bucket.available(2_000)).isEqualTo(11);
    }

    @Test
    void shouldQueueCallersBehindTheDebtOfEarlierTakes() {
        TokenBucket bucket = new TokenBucket(600, 1, 0); // one every 100 ms

        bucket.take(1, 0);
        bucket.take(1, 0);

        assertThat(bucket.waitFor(1, 0)).as("two taken on credit: the third waits for three permits").isEqualTo(300);
        assertThat(bucket.waitFor(1, 200)).isEqualTo(100);
        assertThat(bucket.waitFor(1, 300)).isZero();
    }
}
