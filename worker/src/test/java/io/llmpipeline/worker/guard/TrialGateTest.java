package io.llmpipeline.worker.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class TrialGateTest {
    private final List<String> started = new ArrayList<>();
    private final TrialGate gate = new TrialGate(2, Runnable::run);

    @Test
    void shouldLetOnlyTheTrialCallsThroughUntilTheFirstSuccess() {
        for (String call : List.of("a", "b", "c", "d", "e")) {
            gate.acquire(() -> started.add(call));
        }
        assertThat(started).containsExactly("a", "b");

        gate.proven();

        assertThat(started).containsExactly("a", "b", "c", "d", "e");
        gate.acquire(() -> started.add("f"));
        assertThat(started).endsWith("f");
    }

    @Test
    void shouldLetTheNextWaiterTakeAFinishedTrialsSlot() {
        for (String call : List.of("a", "b", "c")) {
            gate.acquire(() -> started.add(call));
        }
        gate.release(); // "a" failed

        assertThat(started).containsExactly("a", "b", "c");
        assertThat(gate.waiting()).isZero();
    }

    @Test
    void shouldReleaseEveryWaiterWhenTheBreakerOpensAndLimitAgainAfter() {
        for (String call : List.of("a", "b", "c", "d")) {
            gate.acquire(() -> started.add(call));
        }
        gate.unproven();
        assertThat(started).containsExactly("a", "b", "c", "d");

        for (int i = 0; i < 4; i++) {
            gate.release();
        }
        gate.acquire(() -> started.add("e"));
        gate.acquire(() -> started.add("f"));
        gate.acquire(() -> started.add("g"));
        assertThat(started).containsExactly("a", "b", "c", "d", "e", "f");
    }
}
