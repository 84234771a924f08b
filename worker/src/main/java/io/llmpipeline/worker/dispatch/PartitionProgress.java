package io.llmpipeline.worker.dispatch;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * The offsets of one partition that this worker took: which are finished, and up to where the
 * partition may be committed. Only a contiguous prefix of finished records is committed, so a
 * record still in flight is never skipped by a crash. Used from the polling thread only.
 */
public final class PartitionProgress {
    private final ArrayDeque<Long> pending = new ArrayDeque<>();
    private final Set<Long> finished = new HashSet<>();
    private long committable = -1;
    private long committed = -1;
    private boolean revoked;

    /** A record was taken, in offset order. */
    public void taken(long offset) {
        pending.addLast(offset);
    }

    /** Its work is finished and its output is in the outbox. */
    public void finished(long offset) {
        finished.add(offset);
        while (!pending.isEmpty() && finished.remove(pending.peekFirst())) {
            committable = pending.pollFirst() + 1;
        }
    }

    /** The offset to commit (the next one to read), or -1 when nothing new is finished. */
    public long toCommit() {
        return committable > committed ? committable : -1;
    }

    public void committed(long offset) {
        committed = Math.max(committed, offset);
    }

    /** Records taken and not yet finished. */
    public int open() {
        return pending.size();
    }

    public void revoke() {
        revoked = true;
    }

    public boolean revoked() {
        return revoked;
    }
}
