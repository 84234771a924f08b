package io.llmpipeline.worker.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class AsyncBulkheadTest {

    @Test
    void shouldQueueCallsOverTheLimitAndStartThemInOrderAsPermitsFree() {
        AsyncBulkhead bulkhead = new AsyncBulkhead(2, Runnable::run);
        List<String> started = new ArrayList<>();

        bulkhead.acquire(() -> started.add("a"));
        bulkhead.acquire(() -> started.add("b"));
        bulkhead.acquire(() -> started.add("c"));
        bulkhead.acquire(() -> started.add("d"));

        assertThat(started).containsExactly("a", "b");
        assertThat(bulkhead.waiting()).isEqualTo(2);
        bulkhead.release();
        assertThat(started).containsExactly("a", "b", "c");
        assertThat(bulkhead.active()).isEqualTo(2);
        bulkhead.release();
        bulkhead.release();
        bulkhead.release();
        assertThat(started).containsExactly("a", "b", "c", "d");
        assertThat(bulkhead.active()).isZero();
    }

    @Test
    void shouldObeyAShrunkLimitAsCallsEndAndAGrownOneWhenPumped() {
        int[] limit = {2};
        AsyncBulkhead bulkhead = new AsyncBulkhead(() -> limit[0], Runnable::run);
        List<String> started = new ArrayList<>();
        bulkhead.acquire(() -> started.add("a"));
        bulkhead.acquire(() -> started.add("b"));
        bulkhead.acquire(() -> started.add("c"));

        limit[0] = 1; // the group gave this worker one call at once instead of two
        bulkhead.release();
        assertThat(started).as("one still runs: no room for c").containsExactly("a", "b");
        assertThat(bulkhead.active()).isEqualTo(1);

        limit[0] = 3;
        bulkhead.acquire(() -> started.add("d"));
        assertThat(started).as("d queues behind c, not ahead of it").containsExactly("a", "b");
        bulkhead.pump();
        assertThat(started).containsExactly("a", "b", "c", "d");
        assertThat(bulkhead.active()).isEqualTo(3);
    }

    @Test
    void shouldLetNobodyCallWhileThisWorkerHoldsNoShare() {
        int[] limit = {0};
        AsyncBulkhead bulkhead = new AsyncBulkhead(() -> limit[0], Runnable::run);
        List<String> started = new ArrayList<>();

        bulkhead.acquire(() -> started.add("a"));
        bulkhead.pump();
        assertThat(started).isEmpty();
        limit[0] = 1;
        bulkhead.pump();
        assertThat(started).containsExactly("a");
    }
}
