package io.llmpipeline.worker.guard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import io.llmpipeline.schemas.ErrorKind;
import io.llmpipeline.worker.guard.TransientErrorClassifier.Disposition;
import io.llmpipeline.worker.guard.TransientErrorClassifier.Verdict;

class TransientErrorClassifierTest {

    @ParameterizedTest
    @ValueSource(ints = {408, 500, 502, 503, 504, 529})
    void shouldRetryTransientServerStatusesAndCountThemAgainstTheBreaker(int status) {
        Verdict v = TransientErrorClassifier.classify(ErrorKind.PROVIDER_ERROR, status);
        assertThat(v.disposition()).isEqualTo(Disposition.RETRY);
        assertThat(v.providerFault()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {425, 429})
    void shouldRetryRateLimitsWithoutBlamingTheProvidersHealth(int status) {
        Verdict v = TransientErrorClassifier.classify(ErrorKind.RATE_LIMITED, status);
        assertThat(v.disposition()).isEqualTo(Disposition.RETRY);
        assertThat(v.providerFault()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 422})
    void shouldFailABadRequestAtOnceWithoutTouchingTheBreaker(int status) {
        Verdict v = TransientErrorClassifier.classify(ErrorKind.INVALID_REQUEST, status);
        assertThat(v.disposition()).isEqualTo(Disposition.FAIL_REQUEST);
        assertThat(v.providerFault()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {401, 403, 404})
    void shouldFailOverNeverRetryAuthenticationAndUnknownModel(int status) {
        Verdict v = TransientErrorClassifier.classify(ErrorKind.AUTHENTICATION, status);
        assertThat(v.disposition()).isEqualTo(Disposition.FAILOVER);
    }

    @Test
    void shouldMoveAContextOverflowToTheNextCandidateWithoutABreakerFailure() {
        Verdict v = TransientErrorClassifier.classify(ErrorKind.CONTEXT_OVERFLOW, 400);
        assertThat(v.disposition()).isEqualTo(Disposition.NEXT_CANDIDATE);
        assertThat(v.providerFault()).isFalse();
    }

    @Test
    void shouldRetryATransportErrorWithoutAResponse() {
        assertThat(TransientErrorClassifier.classify(ErrorKind.TRANSPORT, null))
                .isEqualTo(new Verdict(Disposition.RETRY, true));
        assertThat(TransientErrorClassifier.classify(ErrorKind.TIMEOUT, null))
                .isEqualTo(new Verdict(Disposition.RETRY, true));
    }

    @Test
    void shouldRetryAnUnreadable200AndACutStream() {
        assertThat(TransientErrorClassifier.classify(ErrorKind.MALFORMED_RESPONSE, 200).disposition())
                .isEqualTo(Disposition.RETRY);
        assertThat(TransientErrorClassifier.classify(ErrorKind.STREAM_INTERRUPTED, 200).disposition())
                .isEqualTo(Disposition.RETRY);
    }

    @Test
    void shouldFailAContentFilterRefusalWithoutRetry() {
        assertThat(TransientErrorClassifier.classify(ErrorKind.CONTENT_FILTERED, 200).disposition())
                .isEqualTo(Disposition.FAIL_REQUEST);
    }
}
