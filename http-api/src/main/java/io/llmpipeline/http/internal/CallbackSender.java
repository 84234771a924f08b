package io.llmpipeline.http.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.llmpipeline.http.RetryScheduler;

/**
 * Posts a finished request's JSON to its callback URL, signed with the tenant's secret
 * ({@value #SIGNATURE_HEADER}: {@code sha256=<hex HMAC-SHA256 of the exact body>}), and retries
 * on a failure or a non-2xx answer with doubling waits, until the attempts run out.
 */
final class CallbackSender {
    static final String SIGNATURE_HEADER = "X-LLM-Signature";
    static final String ATTEMPT_HEADER = "X-LLM-Delivery-Attempt";
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    private static final Logger LOG = LoggerFactory.getLogger(CallbackSender.class);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final RetryScheduler scheduler;
    private final int maxAttempts;
    private final Duration firstBackoff;
    private final ApiMetrics metrics;

    CallbackSender(RetryScheduler scheduler, int maxAttempts, Duration firstBackoff, ApiMetrics metrics) {
        this.scheduler = scheduler;
        this.maxAttempts = maxAttempts;
        this.firstBackoff = firstBackoff;
        this.metrics = metrics;
    }

    void send(URI url, String requestId, String body, byte[] secret) {
        attempt(url, requestId, body, signature(body, secret), 1);
    }

    private void attempt(URI url, String requestId, String body, String signature, int attempt) {
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header(SIGNATURE_HEADER, signature)
                .header(PipelineHeaders.REQUEST_ID, requestId)
                .header(ATTEMPT_HEADER, Integer.toString(attempt))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
            if (failure == null && response.statusCode() / 100 == 2) {
                metrics.callback("delivered");
                return;
            }
            String why = failure != null ? failure.getClass().getSimpleName() : "HTTP " + response.statusCode();
            if (attempt >= maxAttempts) {
                metrics.callback("abandoned");
                LOG.warn("callback of {} to {} abandoned after {} attempts (last: {})", requestId, url.getHost(), attempt, why);
                return;
            }
            metrics.callback("retried");
            scheduler.after(backoff(attempt), () -> attempt(url, requestId, body, signature, attempt + 1));
        });
    }

    /** Wait after the given failed attempt: first, 2x first, 4x first, ... at most five minutes. */
    Duration backoff(int failedAttempt) {
        Duration wait = firstBackoff.multipliedBy(1L << Math.min(20, failedAttempt - 1));
        return wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
    }

    static String signature(String body, byte[] secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is in every JDK", e);
        }
    }
}
