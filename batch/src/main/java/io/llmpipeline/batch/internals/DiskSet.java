package io.llmpipeline.batch.internals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/**
 * A string-keyed map on disk (RocksDB, which Kafka Streams already brings), so that checking a
 * file of millions of custom_ids for duplicates, or indexing millions of results, takes bounded
 * memory. Not durable across crashes unless {@link #keep} is set: the write-ahead log is off.
 */
public final class DiskSet implements AutoCloseable {
    static {
        RocksDB.loadLibrary();
    }

    private final Path dir;
    private final boolean keep;
    private final Options options;
    private final WriteOptions writes;
    private final RocksDB db;

    private DiskSet(Path dir, boolean keep) {
        this.dir = dir;
        this.keep = keep;
        this.options = new Options().setCreateIfMissing(true);
        this.writes = new WriteOptions().setDisableWAL(!keep);
        try {
            Files.createDirectories(dir);
            this.db = RocksDB.open(options, dir.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot open an on-disk index at " + dir + ": " + e.getMessage(), e);
        }
    }

    /** A scratch map in a new temporary folder, deleted on close. */
    public static DiskSet temporary(String purpose) {
        try {
            return new DiskSet(Files.createTempDirectory("llm-batch-" + purpose + "-"), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A map kept in {@code dir} across runs (with a write-ahead log), for resumable work. */
    public static DiskSet kept(Path dir) {
        return new DiskSet(dir, true);
    }

    public byte[] get(String key) {
        try {
            return db.get(key.getBytes(StandardCharsets.UTF_8));
        } catch (RocksDBException e) {
            throw new IllegalStateException("reading the on-disk index: " + e.getMessage(), e);
        }
    }

    public void put(String key, byte[] value) {
        try {
            db.put(writes, key.getBytes(StandardCharsets.UTF_8), value);
        } catch (RocksDBException e) {
            throw new IllegalStateException("writing the on-disk index: " + e.getMessage(), e);
        }
    }

    /** Puts and returns null when absent; otherwise returns the value already there and changes nothing. */
    public byte[] putIfAbsent(String key, byte[] value) {
        byte[] existing = get(key);
        if (existing == null) {
            put(key, value);
        }
        return existing;
    }

    public static byte[] longBytes(long value) {
        return java.nio.ByteBuffer.allocate(Long.BYTES).putLong(value).array();
    }

    public static long bytesLong(byte[] value) {
        return java.nio.ByteBuffer.wrap(value).getLong();
    }

    /** Deletes the folder (also of a kept map) after closing. */
    public void closeAndDelete() {
        close();
        delete(dir);
    }

    @Override
    public void close() {
        db.close();
        writes.close();
        options.close();
        if (!keep) {
            delete(dir);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary folder is harmless
        }
    }
}
