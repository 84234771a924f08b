package io.llmpipeline.worker.loop;

import java.util.ArrayDeque;
import java.util.Base64;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;

import io.llmpipeline.schemas.AttemptJournalEntry;

/**
 * The offsets of one partition that this worker took, and what may be committed. Requests finish
 * out of order, so the committed offset (the first unfinished record) often lags records that
 * are already finished; their results are written at once anyway, and the commit's metadata
 * carries a bitmap of the finished offsets beyond it. A worker that takes the partition over
 * reads the bitmap and skips those records, so no request is answered twice and no result waits
 * for a slower request before it. Records further than {@link #MAX_SPAN} beyond the committed
 * offset cannot be marked; their output is held until the committed offset comes near. Used from
 * the polling thread only.
 */
public final class PartitionProgress {
    /** Offsets the bitmap can mark beyond the committed offset: 2,500 bytes, under Kafka's 4 KiB metadata limit in Base64. */
    public static final int MAX_SPAN = 20_000;
    private static final String PREFIX = "done-v1:";
    /** Metadata part naming where the next owner starts reading the attempt journal. */
    private static final String JOURNAL_PREFIX = "journal-v1:";

    private final ArrayDeque<Long> pending = new ArrayDeque<>();
    private final TreeSet<Long> finishedAhead = new TreeSet<>();
    private final Set<Long> doneBefore = new HashSet<>();
    private long next = -1;
    private boolean dirty;
    private boolean revoked;
    /** Per unfinished record that has journal entries: the journal offset of its first entry. */
    private final TreeMap<Long, Long> journalFirst = new TreeMap<>();
    /** The journal offset after the last entry acknowledged (or read at assignment); -1: no journal. */
    private long journalNext = -1;
    private Long restoredJournalMark;
    /** Calls of earlier owners without a committed event, by the record they belong to. */
    private final Map<Long, List<AttemptJournalEntry>> earlier = new HashMap<>();

    /** Starts from a committed position, remembering what a previous owner finished beyond it. */
    public static PartitionProgress restore(OffsetAndMetadata committed) {
        PartitionProgress p = new PartitionProgress();
        if (committed != null) {
            p.next = committed.offset();
            p.doneBefore.addAll(decode(committed.offset(), committed.metadata()));
            p.restoredJournalMark = journalMarkOf(committed.metadata());
        }
        return p;
    }

    /** Where the last owner said the attempt journal of this partition must be read from; null when it did not say. */
    public Long restoredJournalMark() {
        return restoredJournalMark;
    }

    /** Whether a previous owner finished this record (without forgetting it, unlike {@link #doneBefore}). */
    public boolean finishedBefore(long offset) {
        return doneBefore.contains(offset);
    }

    /**
     * What the attempt journal says earlier owners did and never recorded, read at assignment up to
     * {@code journalEnd}: those records keep the journal mark from passing their entries until they finish.
     *
     * @param entries by record offset, each with the journal offset of its first entry
     */
    public void recovered(Map<Long, List<AttemptJournalEntry>> entries, Map<Long, Long> firstJournalOffsets, long journalEnd) {
        earlier.putAll(entries);
        firstJournalOffsets.forEach((offset, at) -> journalFirst.merge(offset, at, Math::min));
        journalNext = Math.max(journalNext, journalEnd);
    }

    /** The earlier owners' unrecorded calls of this record (handed out once). */
    public List<AttemptJournalEntry> takeEarlier(long offset) {
        List<AttemptJournalEntry> found = earlier.remove(offset);
        return found == null ? List.of() : found;
    }

    /** A journal entry of the record at {@code offset} was acknowledged at {@code journalOffset}. */
    public void journaled(long offset, long journalOffset) {
        journalFirst.merge(offset, journalOffset, Math::min);
        journalNext = Math.max(journalNext, journalOffset + 1);
    }

    /**
     * Where a next owner must start reading the journal if this commit is the last: the first entry
     * of any record this commit does not finish, else the end of what was acknowledged. Entries
     * not yet acknowledged land beyond it.
     */
    Long journalMark(long base) {
        long mark = journalNext < 0 ? Long.MAX_VALUE : journalNext;
        for (var e : journalFirst.tailMap(base, true).entrySet()) {
            long offset = e.getKey();
            boolean committedNow = finishedAhead.contains(offset) && offset < base + MAX_SPAN;
            if (!committedNow) {
                mark = Math.min(mark, e.getValue());
            }
        }
        return mark == Long.MAX_VALUE ? restoredJournalMark : Long.valueOf(mark);
    }

    /** Whether a previous owner already finished (and wrote the output of) this record. */
    public boolean doneBefore(long offset) {
        return doneBefore.remove(offset);
    }

    /** A record was taken, in offset order. */
    public void taken(long offset) {
        pending.addLast(offset);
    }

    /** Its work is finished and its output is in the outbox. */
    public void finished(long offset) {
        finishedAhead.add(offset);
        while (!pending.isEmpty() && finishedAhead.remove(pending.peekFirst())) {
            next = pending.pollFirst() + 1;
        }
        dirty = true;
    }

    /** The next offset to read after a restart: the first record not finished. */
    public long committable() {
        return pending.isEmpty() ? next : pending.peekFirst();
    }

    /** Whether the output of a finished record may be written now (the commit can mark it). */
    public boolean covers(long offset) {
        long base = committable();
        return base >= 0 && offset < base + MAX_SPAN;
    }

    /** The offset and bitmap to commit, or null when nothing changed since the last commit. */
    public OffsetAndMetadata toCommit() {
        long base = committable();
        if (!dirty || base < 0) {
            return null;
        }
        Long mark = journalMark(base);
        String done = encode(base);
        return new OffsetAndMetadata(base, mark == null ? done : JOURNAL_PREFIX + mark + ";" + done);
    }

    public void committed() {
        dirty = false;
        journalFirst.headMap(committable(), false).clear();
    }

    /** Records taken and not yet finished. */
    public int open() {
        return pending.size() - finishedAhead.size();
    }

    public void revoke() {
        revoked = true;
    }

    public boolean revoked() {
        return revoked;
    }

    String encode(long base) {
        BitSet bits = new BitSet();
        for (long offset : finishedAhead) {
            long i = offset - base;
            if (i >= 0 && i < MAX_SPAN) {
                bits.set((int) i);
            }
        }
        return bits.isEmpty() ? "" : PREFIX + Base64.getEncoder().encodeToString(bits.toByteArray());
    }

    static Long journalMarkOf(String metadata) {
        if (metadata == null || !metadata.startsWith(JOURNAL_PREFIX)) {
            return null;
        }
        return Long.parseLong(metadata.substring(JOURNAL_PREFIX.length(), metadata.indexOf(';')));
    }

    static Set<Long> decode(long base, String metadata) {
        Set<Long> out = new HashSet<>();
        if (metadata != null && metadata.startsWith(JOURNAL_PREFIX)) {
            metadata = metadata.substring(metadata.indexOf(';') + 1);
        }
        if (metadata == null || !metadata.startsWith(PREFIX)) {
            return out;
        }
        BitSet bits = BitSet.valueOf(Base64.getDecoder().decode(metadata.substring(PREFIX.length())));
        for (int i = bits.nextSetBit(0); i >= 0; i = bits.nextSetBit(i + 1)) {
            out.add(base + i);
        }
        return out;
    }
}
