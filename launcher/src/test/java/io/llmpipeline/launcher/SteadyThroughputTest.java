package io.llmpipeline.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SteadyThroughputTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void countsOnlyResultsBetweenTheFirstRoundsEndAndTheLastSend() {
        // first round answered at 3 s, last request sent at 23 s, 50,000 results in between
        assertEquals(2_500.0, LoadGenerator.steadyThroughput(50_000, 3 * SECOND, 23 * SECOND), 1e-9);
    }

    @Test
    void isUndefinedWhenTheRunNeverFilledTheLoopPastOneRound() {
        assertTrue(Double.isNaN(LoadGenerator.steadyThroughput(0, 3 * SECOND, 3 * SECOND)), "last send in the first round");
        assertTrue(Double.isNaN(LoadGenerator.steadyThroughput(-200, 0, 2 * SECOND)), "fewer requests than the concurrency");
    }
}
