package io.llmpipeline.http.internal;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.OptionalLong;

/**
 * Request ids that carry their own submission time and are bound to their tenant:
 * {@code req_<millis base 36>_<32 random hex>_<tag>}, the tag being the start of
 * SHA-256(tenant, time, random). After a restart, with nothing in memory, the id alone says from
 * where to read {@code llm.results} and whether the caller's tenant could own it, so another
 * tenant's id is a 404 without a lookup and without saying it exists.
 */
final class RequestIds {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int TAG_CHARS = 12;

    private RequestIds() {
    }

    static String next(String tenant, long nowMs) {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        String body = Long.toString(nowMs, 36) + "_" + HexFormat.of().formatHex(random);
        return "req_" + body + "_" + tag(tenant, body);
    }

    /** The submission time of an id this tenant owns, or empty for a malformed id or another tenant's. */
    static OptionalLong submittedAt(String id, String tenant) {
        if (id == null || !id.startsWith("req_")) {
            return OptionalLong.empty();
        }
        int lastUnderscore = id.lastIndexOf('_');
        if (lastUnderscore <= 4) {
            return OptionalLong.empty();
        }
        String body = id.substring(4, lastUnderscore);
        if (!tag(tenant, body).equals(id.substring(lastUnderscore + 1))) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(body.substring(0, body.indexOf('_')), 36));
        } catch (RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    private static String tag(String tenant, String body) {
        return ApiKeys.sha256Hex(tenant + "\n" + body).substring(0, TAG_CHARS);
    }
}
