package io.llmpipeline.launcher.chaos;

import java.util.List;

/** The longest stretch without a visible result, from the arrival times of results. */
final class ResultGaps {
    private ResultGaps() {
    }

    /** Longest gap between consecutive arrivals, over the whole run. */
    static long longestMs(List<Long> sortedArrivalsMs) {
        return longestOverlappingMs(sortedArrivalsMs, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /**
     * Longest gap between consecutive arrivals that overlaps {@code [fromMs, toMs)}: a fault at
     * {@code fromMs} is charged with the silence it falls into, including the part before it.
     */
    static long longestOverlappingMs(List<Long> sortedArrivalsMs, long fromMs, long toMs) {
        long longest = 0;
        for (int i = 1; i < sortedArrivalsMs.size(); i++) {
            long before = sortedArrivalsMs.get(i - 1);
            long after = sortedArrivalsMs.get(i);
            if (after > fromMs && before < toMs) {
                longest = Math.max(longest, after - before);
            }
        }
        return longest;
    }
}
