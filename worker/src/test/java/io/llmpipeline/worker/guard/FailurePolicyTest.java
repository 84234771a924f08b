package io.llmpipeline.worker.guard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.llmpipeline.schemas.ErrorKind;
import io.llmpipeline.worker.guard.FailurePolicy.Action;
import io.llmpipeline.worker.guard.FailurePolicy.Verdict;

class FailurePolicyTest {

    @ParameterizedTest
    @ValueSource(ints = {408, 500, 502, 503, 504, 529})
    void shouldRetryTransientServerStatusesAndCountThemAgainstTheBreaker(int status) {
        Verdict v = FailurePolicy.judge(FailurePolicy.kindOf(status), status, false);
        assertThat(v.action()).isEqualTo(Action.RETRY);
        assertThat(v.countsAgainstBreaker()).isTrue();
        assertThat(v.retryableForCaller()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {425, 429})
    void shouldRetryRateLimitsWithoutBlamingTheProvidersHealth(int status) {
        Verdict v = FailurePolicy.judge(FailurePolicy.kindOf(status), status, false);
        assertThat(v.action()).isEqualTo(Action.RETRY);
        assertThat(v.countsAgainstBreaker()).isFalse();
        assertThat(FailurePolicy.kindOf(status)).isEqualTo(ErrorKind.RATE_LIMITED);
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 422})
    void shouldFailABadRequestAtOnceWithoutTouchingTheBreaker(int status) {
        Verdict v = FailurePolicy.judge(FailurePolicy.kindOf(status), status, false);
        assertThat(v).isEqualTo(new Verdict(Action.FAIL_REQUEST, false, false, false));
    }

    @ParameterizedTest
    @ValueSource(ints = {401, 403, 404, 501, 505})
    void shouldFailOverNeverRetryAuthenticationUnknownModelAndOtherServerErrors(int status) {
        Verdict v = FailurePolicy.judge(FailurePolicy.kindOf(status), status, false);
        assertThat(v.action()).isEqualTo(Action.FAIL_OVER);
        assertThat(v.countsAgainstBreaker()).isTrue();
    }

    @Test
    void shouldMoveAContextOverflowToTheNextCandidateWithoutABreakerFailure() {
        assertThat(FailurePolicy.judge(ErrorKind.CONTEXT_OVERFLOW, 400, false))
                .isEqualTo(new Verdict(Action.NEXT_CANDIDATE, false, false, false));
        assertThat(FailurePolicy.kindOf(413)).isEqualTo(ErrorKind.CONTEXT_OVERFLOW);
    }

    @Test
    void shouldRetryATransportErrorOrATimeoutWithoutAResponse() {
        assertThat(FailurePolicy.judge(ErrorKind.TRANSPORT, null, false))
                .isEqualTo(new Verdict(Action.RETRY, true, true, false));
        assertThat(FailurePolicy.judge(ErrorKind.TIMEOUT, null, false))
                .isEqualTo(new Verdict(Action.RETRY, true, true, false));
    }

    @Test
    void shouldRetryAnUnreadable200AndRestartACutStreamDiscardingItsPartialAnswer() {
        assertThat(FailurePolicy.judge(ErrorKind.MALFORMED_RESPONSE, 200, false).action()).isEqualTo(Action.RETRY);
        Verdict cut = FailurePolicy.judge(ErrorKind.STREAM_INTERRUPTED, 200, true);
        assertThat(cut.action()).isEqualTo(Action.RETRY);
        assertThat(cut.discardsPartial()).isTrue();
        assertThat(cut.countsAgainstBreaker()).isTrue();
    }

    @Test
    void shouldFailAContentFilterRefusalWithoutRetry() {
        assertThat(FailurePolicy.judge(ErrorKind.CONTENT_FILTERED, 200, false))
                .isEqualTo(new Verdict(Action.FAIL_REQUEST, false, false, false));
    }

    @ParameterizedTest
    @CsvSource({"MALFORMED_RESPONSE,1,1,3,false", "MALFORMED_RESPONSE,1,2,3,true", "PROVIDER_ERROR,2,0,3,false",
            "PROVIDER_ERROR,3,0,3,true", "TIMEOUT,1,5,3,false"})
    void shouldUseUpAModelAfterMaxAttemptsOrASecondUnreadableAnswer(ErrorKind kind, int failures, int unreadable,
                                                                    int maxAttempts, boolean usedUp) {
        assertThat(FailurePolicy.attemptsUsedUp(kind, failures, unreadable, maxAttempts)).isEqualTo(usedUp);
    }

    @Test
    void shouldTellTheCallerWhichTerminalErrorsAreWorthSendingAgain() {
        assertThat(FailurePolicy.retryableForCaller(ErrorKind.DEADLINE_EXCEEDED)).isTrue();
        assertThat(FailurePolicy.retryableForCaller(ErrorKind.UNAVAILABLE)).isTrue();
        assertThat(FailurePolicy.retryableForCaller(ErrorKind.INVALID_REQUEST)).isFalse();
        assertThat(FailurePolicy.retryableForCaller(ErrorKind.CONTEXT_OVERFLOW)).isFalse();
        assertThat(FailurePolicy.retryableForCaller(ErrorKind.AUTHENTICATION)).isFalse();
    }
}
