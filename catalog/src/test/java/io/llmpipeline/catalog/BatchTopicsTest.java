package io.llmpipeline.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

class BatchTopicsTest {
    @Test
    void shouldPlanACompactedBatchesTopicAndAnEventsTopicBothPrefixed() {
        Catalog catalog = CatalogLoader.loadResource(CatalogLoader.DEFAULT_RESOURCE, name -> null).withNamePrefix("run-3.");

        Map<String, NewTopic> plan = TopicPlan.topics(catalog.topics()).stream()
                .collect(java.util.stream.Collectors.toMap(NewTopic::name, t -> t));

        assertThat(plan.get("run-3.llm.batches").configs())
                .containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        assertThat(plan.get("run-3.llm.batch-events").numPartitions()).isEqualTo(catalog.topics().partitions());
    }

    @Test
    void shouldReadBatchTopicNamesFromTheFile() {
        Catalog catalog = CatalogLoader.parse("""
                topics: {batches: jobs.state, batchEvents: jobs.events}
                providers: {p: {kind: openai, baseUrl: "http://localhost:1/v1"}}
                models: {m: {provider: p}}
                routes: [{match: "", candidates: [m]}]
                """, "inline.yaml", name -> null);
        assertThat(catalog.topics().batches()).isEqualTo("jobs.state");
        assertThat(catalog.topics().batchEvents()).isEqualTo("jobs.events");
    }
}
