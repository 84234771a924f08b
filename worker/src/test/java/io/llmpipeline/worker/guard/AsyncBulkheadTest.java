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
}
