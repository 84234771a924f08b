package io.llmpipeline.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

import io.llmpipeline.catalog.Catalog;

/** How many times the topology copies an invocation event onto a repartition topic. */
class RouterTopologyShapeTest {
    private static final String ONE_MODEL = """
            routes:
              - match: ""
                candidates: [gpt-4o-mini]
            """;

    @Test
    void shouldNotRepartitionInvocationsWithoutBudgets() {
        assertThat(repartitionsFedByInvocations(TestCatalogs.demoModelsWith(ONE_MODEL))).isEmpty();
    }

    @Test
    void shouldRepartitionInvocationsOnceForBothBudgetStages() {
        Catalog catalog = TestCatalogs.demoModelsWith(ONE_MODEL + """
                budgets:
                  limits:
                    - {scope: tenant, key: "*", limitUsd: 1}
                    - {scope: provider, key: sim-openai, limitUsd: 1}
                    - {scope: model, key: gpt-4o-mini, limitUsd: 1}
                """);

        assertThat(repartitionsFedByInvocations(catalog)).containsExactly("budget-bookings-repartition");
    }

    /** Repartition topics written by the sub-topology that reads the invocation topic. */
    private static Set<String> repartitionsFedByInvocations(Catalog catalog) {
        TopologyDescription description = RouterTopology.build(catalog, Clock.systemUTC()).describe();
        Set<String> topics = new TreeSet<>();
        for (TopologyDescription.Subtopology sub : description.subtopologies()) {
            Deque<TopologyDescription.Node> open = new ArrayDeque<>();
            sub.nodes().stream().filter(n -> n instanceof TopologyDescription.Source s
                    && s.topicSet().contains(catalog.topics().invocations())).forEach(open::add);
            Set<TopologyDescription.Node> seen = new HashSet<>();
            while (!open.isEmpty()) {
                TopologyDescription.Node node = open.pop();
                if (!seen.add(node)) {
                    continue;
                }
                if (node instanceof TopologyDescription.Sink sink && sink.topic().endsWith("-repartition")) {
                    topics.add(sink.topic());
                }
                open.addAll(node.successors());
            }
        }
        return topics;
    }
}
