package io.llmpipeline.router.internals.coalescing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import io.llmpipeline.schemas.ResultReadBack;

/**
 * How the requests of one (tenant, idempotency key) find each other: by their group, which
 * partitions them and keys their stores, and by the key their leader's result carries back in its
 * metadata. Unlike the cache key, the group ignores what a request asks (prompt, temperature, cache
 * policy) and never crosses tenants.
 */
public final class IdempotencyKeys {
    /** Request (and so result) metadata carrying a leader's idempotency key back to the router. */
    public static final String KEY_METADATA = ResultReadBack.IDEMPOTENCY_KEY_METADATA;

    private IdempotencyKeys() {
    }

    /** The partition and store key of a tenant's idempotency key: hex, so no tenant or key can run into another. */
    public static String groupOf(String tenant, String idempotencyKey) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(Integer.toString(tenant.length()).getBytes(StandardCharsets.UTF_8));
            digest.update((byte) ':');
            digest.update(tenant.getBytes(StandardCharsets.UTF_8));
            digest.update(idempotencyKey.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
