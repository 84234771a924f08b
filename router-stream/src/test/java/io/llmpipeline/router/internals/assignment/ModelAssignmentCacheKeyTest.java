package io.llmpipeline.router.internals.assignment;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.ZoneOffset;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.router.Requests;
import io.llmpipeline.router.RouterDriver;
import io.llmpipeline.router.TestCatalogs;
import io.llmpipeline.router.internals.JsonSerde;
import io.llmpipeline.router.internals.Step;
import io.llmpipeline.router.internals.coalescing.CacheKeys;
import io.llmpipeline.schemas.Codecs;
import io.llmpipeline.schemas.ErrorKind;
import io.llmpipeline.schemas.LlmAssignment;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.LlmResult;

/**
 * Model assignment takes the cache key the cache stage computed, carried on the record key, instead
 * of computing it again. Every request here is one the catalog would cache, under a key the test
 * knows; the records carry another, or none.
 */
class ModelAssignmentCacheKeyTest {
    private static final String CARRIED = "c0ffee".repeat(10) + "abcd";

    private final Catalog catalog = TestCatalogs.demoWith("cache: {policy: conservative}");
    private final MockProcessorContext<String, Step<LlmAssignment>> context = new MockProcessorContext<>();
    private final ModelAssignment assignment = new ModelAssignment(catalog, Clock.fixed(RouterDriver.START, ZoneOffset.UTC));
    private final LlmRequest request = Requests.valid("r1").build();
    private final String computed = new CacheKeys(catalog).keyOf(request);

    @BeforeEach
    void init() {
        addStore(ModelAssignment.HEALTH_STORE, Codecs.HEALTH);
        addStore(ModelAssignment.STATS_STORE, JsonSerde.of(ModelStats.class));
        assignment.init(context);
        assertThat(computed).as("the catalog would cache the request").hasSize(64).isNotEqualTo(CARRIED);
    }

    private <V> void addStore(String name, Serde<V> values) {
        TimestampedKeyValueStore<String, V> store = Stores.timestampedKeyValueStoreBuilder(Stores.inMemoryKeyValueStore(name),
                Serdes.String(), values).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
    }

    private Step<LlmAssignment> assign(String recordKey, LlmRequest request) {
        assignment.process(new Record<>(recordKey, request, RouterDriver.START.toEpochMilli()));
        assertThat(context.forwarded()).hasSize(1);
        return context.forwarded().getFirst().record().value();
    }

    private static LlmAssignment assigned(Step<LlmAssignment> step) {
        assertThat(step).isInstanceOf(Step.Next.class);
        return ((Step.Next<LlmAssignment>) step).value();
    }

    @Test
    void shouldAssignTheCacheKeyTheRecordCarriesNotOneComputedAgain() {
        LlmAssignment a = assigned(assign(CARRIED, request));

        assertThat(a.getCacheKey()).isEqualTo(CARRIED);
        assertThat(a.getCacheTtlSeconds()).isEqualTo(3_600);
    }

    @Test
    void shouldAssignNoCacheKeyWhenTheRecordSaysTheCacheIsOffForTheRequest() {
        LlmAssignment a = assigned(assign("-r1", request));

        assertThat(a.getCacheKey()).isNull();
        assertThat(a.getCacheTtlSeconds()).isNull();
    }

    @Test
    void shouldGiveARefusalTheCarriedCacheKeySoTheRequestsWaitingOnItAreReleased() {
        Step<LlmAssignment> step = assign(CARRIED, Requests.valid("r1").setModel("no-such-model").build());

        assertThat(step).isInstanceOf(Step.Answer.class);
        LlmResult refusal = ((Step.Answer<LlmAssignment>) step).result();
        assertThat(refusal.getError().getKind()).isEqualTo(ErrorKind.INVALID_REQUEST);
        assertThat(refusal.getCacheKey()).isEqualTo(CARRIED);
    }

    @Test
    void shouldComputeTheCacheKeyOfAReadmittedRequestWhichSkipsTheCacheStage() {
        LlmAssignment a = assigned(assign("r1", request));

        assertThat(a.getCacheKey()).isEqualTo(computed);
    }
}
