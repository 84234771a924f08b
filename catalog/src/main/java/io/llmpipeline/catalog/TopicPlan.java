package io.llmpipeline.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The topics a catalog needs, with their partitions and settings. Banded topics get one band of
 * partitions per priority; provider health is compacted so the latest state per model survives.
 */
public final class TopicPlan {
    private TopicPlan() {
    }

    public static List<NewTopic> topics(TopicsConfig topics) {
        int banded = topics.priorityBands().totalPartitions();
        short rf = topics.replicationFactor();
        List<NewTopic> plan = new ArrayList<>();
        plan.add(new NewTopic(topics.requests(), banded, rf));
        plan.add(new NewTopic(topics.assigned(), banded, rf));
        // read back only from the position the last commit marked, so a week is ample
        plan.add(new NewTopic(topics.attemptJournal(), banded, rf)
                .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(java.time.Duration.ofDays(7).toMillis()))));
        plan.add(new NewTopic(topics.results(), topics.partitions(), rf));
        plan.add(new NewTopic(topics.invocations(), topics.partitions(), rf));
        plan.add(new NewTopic(topics.providerHealth(), 1, rf)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        plan.add(new NewTopic(topics.budgetAlerts(), 1, rf));
        plan.add(new NewTopic(topics.dlq(), 1, rf));
        // every batch's latest state survives; events are few (a handful per batch) and keyed by batch
        plan.add(new NewTopic(topics.batches(), topics.partitions(), rf)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        plan.add(new NewTopic(topics.batchEvents(), topics.partitions(), rf));
        return plan;
    }

    /** Creates what is missing; existing topics are left as they are. */
    public static void create(Admin admin, TopicsConfig topics) {
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = topics(topics).stream().filter(t -> !existing.contains(t.name())).toList();
            if (missing.isEmpty()) {
                return;
            }
            admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topics: " + e.getCause().getMessage(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out creating topics", e);
        }
    }
}
