package io.llmpipeline.router.internals.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.internals.DefaultStreamPartitioner;
import org.junit.jupiter.api.Test;

import io.llmpipeline.schemas.InvocationEvent;

class BudgetUsageTest {
    private final BudgetUsage usage = new BudgetUsage(List.of(BudgetStage.TENANT, BudgetStage.PROVIDER));

    @Test
    void shouldSendEachEventOncePerStageKeyedByItsOwner() {
        InvocationEvent e = BudgetReconcile.releaseOf("r1", "acme", "sim-openai", 0);

        assertThat(usage.route(e)).extracting(kv -> kv.key).containsExactly("TENANT|acme", "PROVIDER|sim-openai");
        assertThat(BudgetUsage.isFor(BudgetStage.TENANT, "TENANT|acme")).isTrue();
        assertThat(BudgetUsage.isFor(BudgetStage.PROVIDER, "TENANT|acme")).isFalse();
        assertThat(BudgetUsage.isFor(BudgetStage.TENANT, "TENANTS|acme")).isFalse();
    }

    @Test
    void shouldLandOnThePartitionTheLedgerTopicGivesTheOwner() {
        // the ledger repartitions use Kafka Streams' default partitioner on the owner alone
        DefaultStreamPartitioner<String, Object> ledgers = new DefaultStreamPartitioner<>(new StringSerializer());
        for (int n : new int[] {1, 6, 12, 50}) {
            for (String owner : List.of("acme", "sim-openai", "tenant|with|bars", "ünïcode", "")) {
                Set<Integer> expected = ledgers.partitions("t", owner, null, n).orElseThrow();
                assertThat(usage.partitions("t", "TENANT|" + owner, null, n)).contains(expected);
                assertThat(usage.partitions("t", "PROVIDER|" + owner, null, n)).contains(expected);
            }
        }
    }
}
