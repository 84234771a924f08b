package io.llmpipeline.analytics.export;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One exporter per directory: two would each resume from the same file names and write the same
 * offset ranges twice. An OS file lock, so it is released when the process dies, however it dies.
 */
final class ExportLock implements AutoCloseable {
    static final String FILE = ".export.lock";
    private final FileChannel channel;
    private final FileLock lock;

    private ExportLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** @throws ExportBusyException when another exporter holds the directory */
    static ExportLock acquire(Path dir) {
        try {
            Files.createDirectories(dir);
            FileChannel channel = FileChannel.open(dir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new ExportBusyException("another export is writing to " + dir + "; one exporter per directory");
            }
            return new ExportLock(channel, lock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + dir.resolve(FILE), e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
