package io.llmpipeline.sim;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** One simulator per test class, with no scripts and no stats at the start of each test. */
abstract class SimulatorTest {
    static ProviderSimulator sim;
    static SimClient client;

    @BeforeAll
    static void start() {
        sim = ProviderSimulator.start(0);
        client = new SimClient(sim);
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @BeforeEach
    void reset() {
        sim.clearScripts();
        sim.resetStats();
    }
}
