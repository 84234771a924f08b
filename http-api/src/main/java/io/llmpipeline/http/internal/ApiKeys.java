package io.llmpipeline.http.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.llmpipeline.catalog.ApiKeyConfig;
import io.llmpipeline.catalog.Catalog;

/**
 * The catalog's API keys, found by the SHA-256 of the presented key (the API never holds a key
 * itself), each with its own token bucket of {@code requestsPerMinute} on the injected clock.
 */
public final class ApiKeys {
    private final Map<String, Caller> byHash = new HashMap<>();

    /**
     * Who is calling.
     *
     * @param tenant  the tenant id its requests carry
     * @param keyName the key's label, for logs and metrics
     */
    public record Caller(String tenant, String keyName, Bucket bucket) {
        /** Zero when admitted, else the seconds until the next call would be (at least 1). */
        long admit() {
            ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
            return probe.isConsumed() ? 0 : Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
        }
    }

    public ApiKeys(Catalog catalog, Clock clock) {
        TimeMeter time = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                Instant now = clock.instant();
                return now.getEpochSecond() * 1_000_000_000L + now.getNano();
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        };
        for (ApiKeyConfig key : catalog.config().apiKeys()) {
            int perMinute = key.requestsPerMinute();
            Bucket bucket = Bucket.builder()
                    .addLimit(limit -> limit.capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)))
                    .withCustomTimePrecision(time)
                    .build();
            byHash.put(key.sha256(), new Caller(key.tenant(), key.name(), bucket));
        }
    }

    public Optional<Caller> find(String presentedKey) {
        return presentedKey == null || presentedKey.isBlank() ? Optional.empty() : Optional.ofNullable(byHash.get(sha256Hex(presentedKey)));
    }

    public static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
