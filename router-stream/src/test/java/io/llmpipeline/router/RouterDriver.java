package io.llmpipeline.router;

import io.llmpipeline.testsupport.MutableClock;
import java.time.Instant;
import java.util.Properties;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.schemas.BudgetAlert;
import io.llmpipeline.schemas.Codecs;
import io.llmpipeline.schemas.DlqEnvelope;
import io.llmpipeline.schemas.InvocationEvent;
import io.llmpipeline.schemas.LlmAssignment;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.ProviderHealth;

/** The whole router topology in a TopologyTestDriver, with typed topics. */
public final class RouterDriver implements AutoCloseable {
    public static final Instant START = Instant.parse("2026-03-14T10:00:00Z");

    public final MutableClock clock = new MutableClock(START);
    public final TopologyTestDriver driver;
    public final TestInputTopic<String, byte[]> rawRequests;
    public final TestInputTopic<String, LlmRequest> requests;
    public final TestInputTopic<String, LlmResult> resultsIn;
    public final TestInputTopic<String, byte[]> rawResults;
    public final TestInputTopic<String, InvocationEvent> invocations;
    public final TestInputTopic<String, ProviderHealth> health;
    public final TestOutputTopic<String, LlmAssignment> assigned;
    public final TestOutputTopic<String, LlmResult> results;
    public final TestOutputTopic<String, DlqEnvelope> dlq;
    public final TestOutputTopic<String, BudgetAlert> alerts;

    /**
     * Invocations are booked on the budget ledgers at once, one record per invocation and owner (the
     * router sends them once per commit interval; with this driver's wall clock that would be whenever a
     * test advances it).
     */
    public RouterDriver(Catalog catalog) {
        this(catalog, java.time.Duration.ZERO);
    }

    /** @param bookingWindow how long bookings of invocations wait to be sent together; they go when {@link #advance} passes it */
    public RouterDriver(Catalog catalog, java.time.Duration bookingWindow) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "router-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        // a directory of its own: the default /tmp/kafka-streams/<app id> is shared with every other test run on the machine
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir().toString());
        driver = new TopologyTestDriver(RouterTopology.build(catalog, clock, bookingWindow), props, START);
        var t = catalog.topics();
        StringSerializer keys = new StringSerializer();
        rawRequests = driver.createInputTopic(t.requests(), keys, Serdes.ByteArray().serializer(), START, java.time.Duration.ZERO);
        requests = driver.createInputTopic(t.requests(), keys, Codecs.REQUEST, START, java.time.Duration.ZERO);
        resultsIn = driver.createInputTopic(t.results(), keys, Codecs.RESULT, START, java.time.Duration.ZERO);
        rawResults = driver.createInputTopic(t.results(), keys, Serdes.ByteArray().serializer(), START, java.time.Duration.ZERO);
        invocations = driver.createInputTopic(t.invocations(), keys, Codecs.INVOCATION, START, java.time.Duration.ZERO);
        health = driver.createInputTopic(t.providerHealth(), keys, Codecs.HEALTH, START, java.time.Duration.ZERO);
        StringDeserializer keyIn = new StringDeserializer();
        assigned = driver.createOutputTopic(t.assigned(), keyIn, Codecs.ASSIGNMENT);
        results = driver.createOutputTopic(t.results(), keyIn, Codecs.RESULT);
        dlq = driver.createOutputTopic(t.dlq(), keyIn, Codecs.DLQ);
        alerts = driver.createOutputTopic(t.budgetAlerts(), keyIn, Codecs.BUDGET_ALERT);
    }

    private static java.nio.file.Path stateDir() {
        try {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("router-driver");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public void submit(LlmRequest request) {
        requests.pipeInput(request.getRequestId(), request, clock.instant());
    }

    /** Moves the injected clock and the driver's wall clock together, firing punctuators. */
    public void advance(java.time.Duration by) {
        clock.advance(by);
        driver.advanceWallClockTime(by);
    }

    @Override
    public void close() {
        driver.close();
    }
}
