package io.llmpipeline.worker.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.llmpipeline.sim.ProviderSimulator;

/**
 * A provider simulator for each worker IT class: started before its first test, closed after
 * its last. Test classes run one after another, so the one field is never shared by two at once.
 */
abstract class WithSimulator {
    static ProviderSimulator sim;

    @BeforeAll
    static void startSim() {
        sim = ProviderSimulator.start(0);
    }

    @AfterAll
    static void stopSim() {
        sim.close();
    }
}
