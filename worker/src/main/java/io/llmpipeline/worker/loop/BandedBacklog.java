package io.llmpipeline.worker.loop;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.function.Predicate;

import io.llmpipeline.schemas.Priority;

/**
 * Records taken from Kafka but not started yet, one queue per priority band. The next to start
 * is the head with the best effective rank: its band, raised one band per {@code agingMs} of
 * waiting, so a saturated worker serves high bands first and low bands still move.
 *
 * @param <T> the queued work
 */
public final class BandedBacklog<T> {
    private record Entry<T>(T item, long enqueuedAtMs) {
    }

    private final ArrayDeque<Entry<T>>[] bands;
    private final Clock clock;
    private final long agingMs;
    private int size;

    @SuppressWarnings("unchecked")
    public BandedBacklog(Clock clock, long agingMs) {
        this.clock = clock;
        this.agingMs = Math.max(1, agingMs);
        this.bands = new ArrayDeque[Priority.values().length];
        for (int i = 0; i < bands.length; i++) {
            bands[i] = new ArrayDeque<>();
        }
    }

    public void add(Priority band, T item) {
        bands[band.ordinal()].addLast(new Entry<>(item, clock.millis()));
        size++;
    }

    /** The next item to start, or null when empty. */
    public T poll() {
        long now = clock.millis();
        int best = -1;
        long bestRank = Long.MAX_VALUE;
        long bestAge = -1;
        for (int band = 0; band < bands.length; band++) {
            Entry<T> head = bands[band].peekFirst();
            if (head == null) {
                continue;
            }
            long waited = now - head.enqueuedAtMs();
            long rank = band - waited / agingMs;
            if (rank < bestRank || rank == bestRank && waited > bestAge) {
                best = band;
                bestRank = rank;
                bestAge = waited;
            }
        }
        if (best < 0) {
            return null;
        }
        size--;
        return bands[best].pollFirst().item();
    }

    public int size() {
        return size;
    }

    public int size(Priority band) {
        return bands[band.ordinal()].size();
    }

    /** Drops every item matching, e.g. of a partition that moved to another worker. */
    public void removeIf(Predicate<T> match) {
        for (ArrayDeque<Entry<T>> band : bands) {
            for (Iterator<Entry<T>> it = band.iterator(); it.hasNext(); ) {
                if (match.test(it.next().item())) {
                    it.remove();
                    size--;
                }
            }
        }
    }
}
