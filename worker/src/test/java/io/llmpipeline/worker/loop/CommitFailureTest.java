package io.llmpipeline.worker.loop;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidPidMappingException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.errors.UnknownProducerIdException;
import org.junit.jupiter.api.Test;

import io.llmpipeline.worker.loop.CommitFailure.Action;

class CommitFailureTest {
    private static final long TIMEOUT_MS = 30_000;

    @Test
    void shouldRestartWhenFencedAfterTheTransactionOutlivedItsTimeout() {
        // the broker was away 40 s: the coordinator aborted the transaction and bumped the epoch
        assertThat(CommitFailure.of(new ProducerFencedException("fenced"), 40_000, TIMEOUT_MS).action())
                .isEqualTo(Action.RESTART);
    }

    @Test
    void shouldStopWhenFencedBeforeTheCoordinatorCouldHaveAbortedTheTransaction() {
        // 20 ms into a commit: only another producer with this transactional id can have bumped the epoch
        CommitFailure failure = CommitFailure.of(new ProducerFencedException("fenced"), 20, TIMEOUT_MS);
        assertThat(failure.action()).isEqualTo(Action.STOP);
        assertThat(failure.why()).contains("another producer");
    }

    @Test
    void shouldStopWhenAnotherProcessHasThisWorkersGroupInstanceIdOrItIsNotAuthorised() {
        assertThat(CommitFailure.of(new FencedInstanceIdException("fenced"), 40_000, TIMEOUT_MS).action())
                .isEqualTo(Action.STOP);
        assertThat(CommitFailure.of(new KafkaException("wrapped", new TransactionalIdAuthorizationException("no")),
                40_000, TIMEOUT_MS).action()).isEqualTo(Action.STOP);
    }

    @Test
    void shouldRestartWhenTheProducerIdIsNoLongerValid() {
        assertThat(CommitFailure.of(new InvalidPidMappingException("expired"), 5, TIMEOUT_MS).action())
                .isEqualTo(Action.RESTART);
        assertThat(CommitFailure.of(new UnknownProducerIdException("gone"), 5, TIMEOUT_MS).action())
                .isEqualTo(Action.RESTART);
    }

    @Test
    void shouldRetryAFailureTheProducerCanAbort() {
        assertThat(CommitFailure.of(new TimeoutException("slow"), 60_000, TIMEOUT_MS).action()).isEqualTo(Action.RETRY);
    }

    @Test
    void shouldRestartWhenTheAbortFailsUnlessAnotherProcessHoldsTheId() {
        // after a broker outage (KIP-890): the commit found the transaction aborted, and the producer is in an error state
        KafkaException errorState = new KafkaException("Cannot execute transactional method because we are in an error state",
                new InvalidTxnStateException("invalid state"));
        assertThat(CommitFailure.ofAbort(errorState, 4_000, TIMEOUT_MS).action()).isEqualTo(Action.RESTART);
        assertThat(CommitFailure.ofAbort(new ProducerFencedException("fenced"), 20, TIMEOUT_MS).action())
                .isEqualTo(Action.STOP);
    }

    @Test
    void shouldWaitOneSecondThenTwiceAsLongUpToThirtySecondsUntilACommitGoesThrough() {
        RestartBackoff backoff = new RestartBackoff();
        assertThat(new long[] {backoff.next(), backoff.next(), backoff.next(), backoff.next(), backoff.next(), backoff.next(),
                backoff.next()}).containsExactly(1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000);
        backoff.reset();
        assertThat(backoff.next()).isEqualTo(1_000);
    }
}
