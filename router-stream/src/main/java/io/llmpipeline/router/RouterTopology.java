package io.llmpipeline.router;

import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.time.Duration;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

import io.llmpipeline.catalog.ModelConfig;
import io.llmpipeline.catalog.Pricing;
import io.llmpipeline.catalog.BudgetsConfig;
import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.router.internals.DecodedStoreBuilder;
import io.llmpipeline.router.internals.JsonSerde;
import io.llmpipeline.router.internals.LenientSerde;
import io.llmpipeline.router.internals.Outlets;
import io.llmpipeline.router.internals.Step;
import io.llmpipeline.router.internals.assignment.BandPartitioner;
import io.llmpipeline.router.internals.assignment.ModelAssignment;
import io.llmpipeline.router.internals.assignment.ModelStats;
import io.llmpipeline.router.internals.assignment.ModelStatsAggregation;
import io.llmpipeline.router.internals.assignment.ShadowSampling;
import io.llmpipeline.router.internals.budget.AdmissionInput;
import io.llmpipeline.router.internals.budget.BudgetAdmission;
import io.llmpipeline.router.internals.budget.BookingKeys;
import io.llmpipeline.router.internals.budget.Booking;
import io.llmpipeline.router.internals.budget.BudgetAlerts;
import io.llmpipeline.router.internals.budget.BudgetBooking;
import io.llmpipeline.router.internals.budget.BudgetFlow;
import io.llmpipeline.router.internals.budget.BudgetScopes;
import io.llmpipeline.router.internals.budget.BudgetStage;
import io.llmpipeline.router.internals.budget.GrantedLease;
import io.llmpipeline.router.internals.budget.HeldLease;
import io.llmpipeline.router.internals.budget.HolderNotice;
import io.llmpipeline.router.internals.budget.LeaseHolder;
import io.llmpipeline.router.internals.budget.LeaseLedger;
import io.llmpipeline.router.internals.budget.Ledger;
import io.llmpipeline.router.internals.budget.LedgerRequest;
import io.llmpipeline.router.internals.coalescing.CacheEntry;
import io.llmpipeline.router.internals.coalescing.CacheKeys;
import io.llmpipeline.router.internals.coalescing.CarriedCacheKey;
import io.llmpipeline.router.internals.coalescing.CoalescingFill;
import io.llmpipeline.router.internals.coalescing.CoalescingKind;
import io.llmpipeline.router.internals.coalescing.CoalescingLookup;
import io.llmpipeline.router.internals.coalescing.CoalescingPolicy;
import io.llmpipeline.router.internals.coalescing.IdempotencyKeys;
import io.llmpipeline.router.internals.coalescing.InFlight;
import io.llmpipeline.router.internals.intake.DuplicateRequests;
import io.llmpipeline.router.internals.intake.OwnResults;
import io.llmpipeline.router.internals.intake.PromptCompression;
import io.llmpipeline.router.internals.intake.RecordDecoder;
import io.llmpipeline.router.internals.intake.RequestValidation;
import io.llmpipeline.schemas.Codecs;
import io.llmpipeline.schemas.InvocationEvent;
import io.llmpipeline.schemas.LlmAssignment;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.Readmissions;
import io.llmpipeline.schemas.LlmResult;

/**
 * The router's Kafka Streams topology: decode, validate, compress (if asked), answer a repeated
 * idempotency key once (by tenant and key), answer from the cache or wait for an identical request in
 * flight (by cache key), assign a model, sample shadows, reserve budget (tenant scopes, then provider
 * and model scopes of every provider in the chain, each on its own partition key), and write
 * the assignment into the request's priority band on the assigned topic. Every refusal is a terminal result on the
 * results topic; every undecodable record goes to the dead-letter topic. Invocation events flow back
 * to reconcile the budgets.
 */
public final class RouterTopology {
    private final Catalog catalog;
    private final Clock clock;
    private final StreamsBuilder builder = new StreamsBuilder();
    private final Outlets outlets;
    private final int internalPartitions;
    /**
     * Whether results the router wrote and has no use for are skipped undecoded (see {@link OwnResults}).
     * Off only to measure the saving again: {@code -Dllm.router.decodeOwnResults=true}.
     */
    private static final boolean SKIP_OWN_RESULTS = !Boolean.getBoolean("llm.router.decodeOwnResults");

    /** How long bookings of invocations wait to be sent to their ledgers' owners together (see BudgetBooking). */
    private final Duration bookingWindow;

    private RouterTopology(Catalog catalog, Clock clock, Duration bookingWindow) {
        this.catalog = catalog;
        this.clock = clock;
        this.bookingWindow = bookingWindow;
        this.outlets = new Outlets(catalog.topics(), BudgetAlerts.TOPIC);
        this.internalPartitions = catalog.topics().partitions();
    }

    /**
     * Invocations are booked on the budget ledgers once per commit interval: the owners hear of them
     * about when a commit would make them visible. {@code -Dllm.router.budgetBookingMs=0} sends each
     * invocation's bookings at once, to measure the saving again.
     */
    public static Topology build(Catalog catalog, Clock clock) {
        long bookingMs = Long.getLong("llm.router.budgetBookingMs", catalog.config().router().commitIntervalMs());
        return build(catalog, clock, Duration.ofMillis(bookingMs));
    }

    /** @param bookingWindow zero books each invocation at once (one record per invocation and owner) */
    public static Topology build(Catalog catalog, Clock clock, Duration bookingWindow) {
        return new RouterTopology(catalog, clock, bookingWindow).build();
    }

    private Topology build() {
        KStream<String, LlmRequest> requests = outlets.drain("decode", builder
                .stream(catalog.topics().requests(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("requests"))
                .process(() -> new RecordDecoder<>(Codecs.REQUEST, clock), Named.as("request-decoder")));
        KStream<String, LlmRequest> valid = outlets.drain("validate",
                requests.process(() -> new RequestValidation(clock), Named.as("request-validation")));
        KStream<String, InvocationEvent> invocations = outlets.drain("invocations-decode", builder
                .stream(catalog.topics().invocations(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("invocations"))
                .process(() -> new RecordDecoder<>(Codecs.INVOCATION, clock), Named.as("invocation-decoder")));
        modelHealthAndStats(invocations);

        KStream<String, LlmResult> results = outlets.drain("results-decode", builder
                .stream(catalog.topics().results(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("results"))
                .process(() -> new RecordDecoder<>(Codecs.RESULT, clock, SKIP_OWN_RESULTS), Named.as("result-decoder")));
        Duration duplicateWindow = Duration.ofSeconds(catalog.config().router().duplicateWindowSeconds());
        builder.addStateStore(DuplicateRequests.store(duplicateWindow));
        KStream<String, LlmRequest> unique = valid.process(() -> new DuplicateRequests(duplicateWindow),
                Named.as("duplicate-requests"), DuplicateRequests.STORE);
        KStream<String, LlmRequest> compressed = unique.process(PromptCompression::new, Named.as("prompt-compression"));
        // a readmitted request is still the leader of its idempotency and cache keys: it must not wait behind itself
        KStream<String, LlmRequest> readmitted = compressed.filter((k, r) -> Readmissions.attemptsBefore(r) > 0,
                Named.as("readmitted"));
        KStream<String, LlmRequest> firsts = idempotency(compressed.filter((k, r) -> Readmissions.attemptsBefore(r) == 0,
                Named.as("first-admissions")), results);
        KStream<String, LlmRequest> misses = cache(firsts, results).merge(readmitted, Named.as("readmitted-to-assignment"));
        KStream<String, LlmAssignment> toProvider = outlets.drain("assign",
                        misses.process(() -> new ModelAssignment(catalog, clock), Named.as("model-assignment")))
                .process(() -> new ShadowSampling(catalog, clock), Named.as("shadow-sampling"));
        KStream<String, LlmAssignment> admitted = budgets(toProvider, invocations);
        admitted.to(catalog.topics().assigned(), Produced.with(Serdes.String(), Codecs.ASSIGNMENT)
                .withStreamPartitioner(new BandPartitioner(catalog.bands())).withName("to-assigned"));
        return builder.build();
    }

    private Pricing priceOf(String model) {
        ModelConfig config = catalog.config().models().get(model);
        return config == null ? null : config.price();
    }

    /** The stats topic: per-model statistics the router publishes and reads back whole on every instance. */
    public static String statsTopic(Catalog catalog) {
        return catalog.config().router().applicationId() + "-model-stats";
    }

    /**
     * Provider health (written by workers) and model statistics (aggregated here per invocation
     * partition, published to the stats topic, merged by the reader) are global tables, so every
     * assignment sees every model's state.
     */
    private void modelHealthAndStats(KStream<String, InvocationEvent> invocations) {
        builder.globalTable(catalog.topics().providerHealth(), Consumed.with(Serdes.String(), LenientSerde.of(Codecs.HEALTH))
                .withName("provider-health-source"), Materialized.as(ModelAssignment.HEALTH_STORE));
        builder.globalTable(statsTopic(catalog), Consumed.with(Serdes.String(), LenientSerde.of(JsonSerde.of(ModelStats.class)))
                .withName("model-stats-source"), Materialized.as(ModelAssignment.STATS_STORE));
        builder.addStateStore(DecodedStoreBuilder.persistent(ModelStatsAggregation.STORE, JsonSerde.of(ModelStats.class)));
        invocations.process(ModelStatsAggregation::new, Named.as("model-stats-aggregation"), ModelStatsAggregation.STORE)
                .to(statsTopic(catalog), Produced.with(Serdes.String(), JsonSerde.of(ModelStats.class)).withName("to-model-stats"));
    }

    /**
     * Requests with an idempotency key are repartitioned by (tenant, key), so one task sees every
     * duplicate: the first leads, the rest wait for or replay its answer. Leaders' results (they carry
     * the key in their metadata) are read back by the same key. Requests without a key pass straight on.
     */
    private KStream<String, LlmRequest> idempotency(KStream<String, LlmRequest> requests, KStream<String, LlmResult> results) {
        CoalescingPolicy policy = CoalescingPolicy.idempotency(catalog.config().router(), catalog.config().cache());
        String[] stores = coalescingStores(policy.kind());
        KStream<String, LlmRequest> once = requests.filter((k, r) -> r.getIdempotencyKey() == null, Named.as("idempotency-off"));
        KStream<String, LlmRequest> leaders = outlets.drain("idempotency-lookup", requests
                .filter((k, r) -> r.getIdempotencyKey() != null, Named.as("idempotency-on"))
                .selectKey((k, r) -> IdempotencyKeys.groupOf(r.getTenantId(), r.getIdempotencyKey()), Named.as("idempotency-key"))
                .repartition(Repartitioned.with(Serdes.String(), Codecs.REQUEST).withName("idempotency-lookup")
                        .withNumberOfPartitions(internalPartitions))
                .process(() -> new CoalescingLookup(policy, clock), Named.as("idempotency-lookup"), stores));
        KStream<String, LlmRequest> promoted = outlets.drain("idempotency-fill", results
                .filter((k, r) -> r.getMetadata().containsKey(IdempotencyKeys.KEY_METADATA), Named.as("idempotency-fill-candidates"))
                .selectKey((k, r) -> IdempotencyKeys.groupOf(r.getTenantId(), r.getMetadata().get(IdempotencyKeys.KEY_METADATA)),
                        Named.as("idempotency-fill-key"))
                .repartition(Repartitioned.with(Serdes.String(), Codecs.RESULT).withName("idempotency-fill")
                        .withNumberOfPartitions(internalPartitions))
                .process(() -> new CoalescingFill(policy, clock), Named.as("idempotency-fill"), stores));
        return once.merge(leaders, Named.as("idempotency-leaders")).merge(promoted, Named.as("idempotency-promoted"));
    }

    /**
     * Cacheable requests are repartitioned by cache key, so one task sees every identical request:
     * hits are answered, followers wait, leaders go on. Results read back (by cache key too) fill the
     * cache and release the waiters.
     */
    private KStream<String, LlmRequest> cache(KStream<String, LlmRequest> requests, KStream<String, LlmResult> results) {
        CacheKeys keys = new CacheKeys(catalog);
        CoalescingPolicy policy = CoalescingPolicy.cache(catalog.config().cache(), keys);
        String[] stores = coalescingStores(policy.kind());

        // the record key carries the cache key, computed here once, on to model assignment
        KStream<String, LlmRequest> keyed = requests.map((k, r) -> KeyValue.pair(CarriedCacheKey.recordKey(keys.keyOf(r), r), r),
                Named.as("cache-key"));
        // keeps the key that says the cache is off; the node stays, so running routers can take this topology
        KStream<String, LlmRequest> uncached = keyed.filter((k, r) -> CarriedCacheKey.cacheOff(k), Named.as("cache-off"))
                .selectKey((k, r) -> k, Named.as("cache-off-key"));
        KStream<String, LlmRequest> leaders = outlets.drain("cache-lookup", keyed
                .filter((k, r) -> !CarriedCacheKey.cacheOff(k), Named.as("cache-on"))
                .repartition(Repartitioned.with(Serdes.String(), Codecs.REQUEST).withName("cache-lookup")
                        .withNumberOfPartitions(internalPartitions))
                .process(() -> new CoalescingLookup(policy, clock), Named.as("cache-lookup"), stores));

        KStream<String, LlmRequest> promoted = outlets.drain("cache-fill", results
                .filter((k, r) -> r.getCacheKey() != null && !r.getCacheHit(), Named.as("cache-fill-candidates")) // see ResultReadBack.wanted
                .selectKey((k, r) -> r.getCacheKey(), Named.as("cache-fill-key"))
                .repartition(Repartitioned.with(Serdes.String(), Codecs.RESULT).withName("cache-fill")
                        .withNumberOfPartitions(internalPartitions))
                .process(() -> new CoalescingFill(policy, clock), Named.as("cache-fill"), stores));
        return uncached.merge(leaders, Named.as("cache-leaders")).merge(promoted, Named.as("cache-promoted"));
    }

    private String[] coalescingStores(CoalescingKind kind) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(kind.entries()),
                Serdes.String(), CacheEntry.serde()));
        builder.addStateStore(DecodedStoreBuilder.persistent(kind.inFlight(), JsonSerde.of(InFlight.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(kind.waiters()),
                Serdes.String(), Codecs.REQUEST));
        return kind.stores();
    }

    /** The topic on which ledger owners answer the tasks that admit requests, partitioned by the admitting task. */
    public static String leaseGrantsTopic(Catalog catalog) {
        return catalog.config().router().applicationId() + "-budget-lease-grants";
    }

    /** Whether any budget limit is configured, and so whether the router admits against leases at all. */
    public static boolean budgeted(Catalog catalog) {
        BudgetScopes scopes = new BudgetScopes(catalog.config().budgets());
        return scopes.any(BudgetStage.TENANT) || scopes.any(BudgetStage.PROVIDER);
    }

    /**
     * The tasks of the sub-topology that assigns models: it reads the request topic and the internal
     * coalescing topics, so it has as many tasks as the larger of the two.
     */
    public static int admittingTasks(Catalog catalog) {
        return Math.max(catalog.bands().totalPartitions(), catalog.topics().partitions());
    }

    /**
     * Admission runs in the task that assigned the request, against leases it holds on each ledger
     * (no hop on the request's path). Ledgers stay with one task per tenant (tenant stage) or per
     * provider (provider stage), which grants leases and books what invocations billed and what
     * finished requests held (sent by {@link BudgetBooking}); see {@link LeaseLedger} and docs/router.md.
     */
    private KStream<String, LlmAssignment> budgets(KStream<String, LlmAssignment> assigned, KStream<String, InvocationEvent> invocations) {
        if (!budgeted(catalog)) {
            return assigned;
        }
        BudgetsConfig config = catalog.config().budgets();
        BudgetScopes scopes = new BudgetScopes(config);
        String grants = leaseGrantsTopic(catalog);
        builder.addStateStore(DecodedStoreBuilder.persistent(LeaseHolder.LEASES, JsonSerde.of(HeldLease.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LeaseHolder.PARKED),
                Serdes.String(), Codecs.ASSIGNMENT));
        KStream<String, AdmissionInput> notices = builder.stream(grants, Consumed.with(Serdes.String(), LenientSerde.of(JsonSerde.of(HolderNotice.class)))
                        .withName("budget-lease-notices-source"))
                .filter((k, n) -> n != null, Named.as("budget-lease-notices-decoded"))
                .mapValues(AdmissionInput.Notice::new, Named.as("budget-lease-notices"));
        KStream<String, Step<BudgetFlow>> admission = assigned
                .<AdmissionInput>mapValues(AdmissionInput.Assigned::new, Named.as("budget-assigned"))
                .merge(notices, Named.as("budget-admission-merge"))
                .process(() -> new BudgetAdmission(config, clock), Named.as("budget-admission"), LeaseHolder.LEASES, LeaseHolder.PARKED);
        KStream<String, BudgetFlow> flows = outlets.drain("budget-admission", admission);
        builder.addStateStore(DecodedStoreBuilder.persistent(BudgetBooking.PENDING, JsonSerde.of(Booking.class)));
        KStream<String, LedgerRequest> bookings = invocations
                .process(() -> new BudgetBooking(config, clock, bookingWindow, this::priceOf), Named.as("budget-booking"), BudgetBooking.PENDING)
                .repartition(Repartitioned.with(Serdes.String(), JsonSerde.of(LedgerRequest.class)).withName("budget-bookings")
                        .withNumberOfPartitions(internalPartitions).withStreamPartitioner(new BookingKeys()));
        for (BudgetStage stage : BudgetStage.values()) {
            if (!scopes.any(stage)) {
                continue;
            }
            String name = "budget-" + stage.name().toLowerCase();
            budgetStores(stage);
            KStream<String, LedgerRequest> asked = flows
                    .filter((k, f) -> f instanceof BudgetFlow.ToOwner o && o.stage() == stage, Named.as(name + "-ledger-requests"))
                    .map((k, f) -> KeyValue.pair(((BudgetFlow.ToOwner) f).owner(), ((BudgetFlow.ToOwner) f).request()),
                            Named.as(name + "-ledger-key"))
                    .repartition(Repartitioned.with(Serdes.String(), JsonSerde.of(LedgerRequest.class)).withName(name + "-ledger")
                            .withNumberOfPartitions(internalPartitions));
            // a booking's key is "STAGE|owner", which the owner does not read: only asks and returns need it bare
            KStream<String, LedgerRequest> booked = bookings.filter((k, b) -> BookingKeys.isFor(stage, k), Named.as(name + "-bookings"));
            KStream<String, Step<BudgetFlow>> owned = asked.merge(booked, Named.as(name + "-ledger-merge"))
                    .process(() -> new LeaseLedger(stage, config, clock), Named.as(name + "-ledger"),
                            stage.ledgerStore(), stage.leaseStore(), stage.askStore());
            outlets.drain(name + "-ledger", owned)
                    .filter((k, f) -> f instanceof BudgetFlow.ToHolder, Named.as(name + "-notices"))
                    .mapValues(f -> ((BudgetFlow.ToHolder) f).notice(), Named.as(name + "-notice-values"))
                    .to(grants, Produced.with(Serdes.String(), JsonSerde.of(HolderNotice.class)).withName(name + "-to-holders")
                            .withStreamPartitioner((topic, key, notice, partitions) -> Optional.of(Set.of(notice.holder() % partitions))));
        }
        return flows.filter((k, f) -> f instanceof BudgetFlow.Admitted, Named.as("budget-admitted"))
                .mapValues(f -> ((BudgetFlow.Admitted) f).assignment(), Named.as("budget-admitted-values"));
    }

    private void budgetStores(BudgetStage stage) {
        builder.addStateStore(DecodedStoreBuilder.persistent(stage.ledgerStore(), JsonSerde.of(Ledger.class)));
        builder.addStateStore(DecodedStoreBuilder.persistent(stage.leaseStore(), JsonSerde.of(GrantedLease.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(stage.askStore()),
                Serdes.String(), JsonSerde.of(LedgerRequest.class)));
    }
}
