package io.llmpipeline.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import io.llmpipeline.schemas.Priority;

class PriorityPartitionerTest {
    private static final String TOPIC = "llm.requests";

    @Test
    void shouldKeepEachPriorityInsideItsOwnBand() {
        PriorityPartitioner partitioner = configured("CRITICAL:1,HIGH:2,NORMAL:3,LOW:2,BULK:2");
        Cluster cluster = cluster(10);
        Map<Priority, Set<Integer>> used = new java.util.EnumMap<>(Priority.class);
        for (Priority priority : Priority.values()) {
            for (int i = 0; i < 200; i++) {
                var request = Requests.chat("t", "x", priority, "p").setRequestId("r" + i).build();
                used.computeIfAbsent(priority, p -> new TreeSet<>())
                        .add(partitioner.partition(TOPIC, "r" + i, null, request, null, cluster));
            }
        }
        assertThat(used.get(Priority.CRITICAL)).containsExactly(0);
        assertThat(used.get(Priority.HIGH)).containsExactly(1, 2);
        assertThat(used.get(Priority.NORMAL)).containsExactly(3, 4, 5);
        assertThat(used.get(Priority.LOW)).containsExactly(6, 7);
        assertThat(used.get(Priority.BULK)).containsExactly(8, 9);
    }

    @Test
    void shouldRefuseATopicSmallerThanTheBands() {
        PriorityPartitioner partitioner = configured("CRITICAL:1,HIGH:2,NORMAL:3,LOW:2,BULK:2");
        var request = Requests.chat("t", "x", Priority.BULK, "p").build();
        assertThatThrownBy(() -> partitioner.partition(TOPIC, "k", null, request, null, cluster(4)))
                .hasMessageContaining("has 4 partitions but the priority bands need 10");
    }

    @Test
    void shouldNameTheBadEntryOfAMalformedBandsSetting() {
        assertThatThrownBy(() -> configured("CRITICAL:1,URGENT:2"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("URGENT:2");
    }

    private static PriorityPartitioner configured(String bands) {
        PriorityPartitioner partitioner = new PriorityPartitioner();
        partitioner.configure(Map.of(PriorityPartitioner.BANDS_CONFIG, bands));
        return partitioner;
    }

    private static Cluster cluster(int partitions) {
        Node node = new Node(1, "localhost", 9092);
        List<PartitionInfo> infos = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            infos.add(new PartitionInfo(TOPIC, p, node, new Node[] {node}, new Node[] {node}));
        }
        return new Cluster("c", List.of(node), infos, Set.of(), Set.of());
    }
}
