package io.llmpipeline.router.bench;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import io.llmpipeline.router.internals.JsonSerde;
import io.llmpipeline.router.internals.budget.Ledger;
import io.llmpipeline.router.internals.budget.GrantedLease;
import io.llmpipeline.quota.LeaseAccount;
import io.llmpipeline.schemas.BudgetScope;
import io.llmpipeline.schemas.BudgetWindow;

/**
 * A budgeted request reads and writes ledgers and leases several times in the router;
 * each is a JSON round trip. {@code mapper*} is how {@link JsonSerde} did it (a type lookup per
 * call), {@code serde*} how it does it now (a reader and writer resolved once per type).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class StateSerdeBenchmark {
    private static final ObjectMapper MAPPER = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    private final JsonSerde<Ledger> ledgers = JsonSerde.of(Ledger.class);
    private final JsonSerde<GrantedLease> leases = JsonSerde.of(GrantedLease.class);
    private Ledger ledger;
    private GrantedLease lease;
    private byte[] ledgerBytes;
    private byte[] leaseBytes;

    @Setup
    public void setUp() {
        ledger = new Ledger(BudgetScope.TENANT, "acme", BudgetWindow.DAILY, 1_773_446_400_000L, 50_000_000, 1_234_567, 89_000, 50,
                400_000, 17);
        lease = new GrantedLease(3, "TENANT|acme|DAILY|1773446400000", new LeaseAccount(400_000, 120_000, -1), false, 1_773_450_000_000L);
        ledgerBytes = ledgers.serialize("t", ledger);
        leaseBytes = leases.serialize("t", lease);
    }

    @Benchmark
    public Object mapperLedger() throws IOException {
        return MAPPER.readValue(MAPPER.writeValueAsBytes(MAPPER.readValue(ledgerBytes, Ledger.class)), Ledger.class);
    }

    @Benchmark
    public Object serdeLedger() {
        return ledgers.deserialize("t", ledgers.serialize("t", ledgers.deserialize("t", ledgerBytes)));
    }

    @Benchmark
    public Object mapperLease() throws IOException {
        return MAPPER.readValue(MAPPER.writeValueAsBytes(MAPPER.readValue(leaseBytes, GrantedLease.class)), GrantedLease.class);
    }

    @Benchmark
    public Object serdeLease() {
        return leases.deserialize("t", leases.serialize("t", leases.deserialize("t", leaseBytes)));
    }
}
