package io.llmpipeline.router.internals.coalescing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

import io.llmpipeline.schemas.Codecs;
import io.llmpipeline.schemas.LlmResult;

/**
 * A cached answer: the original result in Avro, gzip-compressed when large, and when it expires.
 * Stored in a compact binary form because every cache hit reads one.
 */
public record CacheEntry(byte[] result, boolean compressed, long storedAtMs, long expiresAtMs) {

    static CacheEntry of(LlmResult result, long now, long ttlMs, int compressAboveBytes) {
        byte[] bytes = Codecs.RESULT.encode(result);
        boolean compress = bytes.length > compressAboveBytes;
        return new CacheEntry(compress ? gzip(bytes) : bytes, compress, now, now + ttlMs);
    }

    LlmResult decode() {
        return Codecs.RESULT.decode(compressed ? gunzip(result) : result);
    }

    boolean liveAt(long now) {
        return now < expiresAtMs;
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 3 + 16);
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] gunzip(byte[] bytes) {
        try (GZIPInputStream gz = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return gz.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Serde<CacheEntry> serde() {
        Serializer<CacheEntry> serializer = (topic, e) -> e == null ? null : ByteBuffer.allocate(1 + 16 + e.result.length)
                .put((byte) (e.compressed ? 1 : 0)).putLong(e.storedAtMs).putLong(e.expiresAtMs).put(e.result).array();
        Deserializer<CacheEntry> deserializer = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            boolean compressed = buf.get() == 1;
            long stored = buf.getLong();
            long expires = buf.getLong();
            byte[] result = new byte[buf.remaining()];
            buf.get(result);
            return new CacheEntry(result, compressed, stored, expires);
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
