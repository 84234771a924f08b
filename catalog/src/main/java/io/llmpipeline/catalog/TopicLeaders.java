package io.llmpipeline.catalog;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;

/**
 * Waits until every partition of freshly created topics has a leader. Producing before that
 * gets NOT_LEADER_OR_FOLLOWER, and an idempotent producer's retries of its very first batch can
 * then be refused as out of order, which a transactional producer cannot recover from; global
 * tables refuse to start on such a topic. The one place the pipeline waits for leaders.
 */
public final class TopicLeaders {
    private static final long LOOK_AGAIN_MS = 50;

    private TopicLeaders() {
    }

    /** @throws IllegalStateException when some partition still has no leader after {@code within} */
    public static void await(Admin admin, Collection<String> topics, Duration within) {
        long end = System.nanoTime() + within.toNanos();
        while (true) {
            try {
                boolean ready = true;
                for (TopicDescription d : admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).values()) {
                    ready &= !d.partitions().isEmpty()
                            && d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
                }
                if (ready) {
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                // not visible yet: look again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the leaders of " + topics, e);
            }
            if (System.nanoTime() > end) {
                throw new IllegalStateException("topics " + topics + " have no leader after " + within.toSeconds() + " s");
            }
            try {
                // polling the controller's metadata: the admin API has no "leaders elected" event to wait on
                Thread.sleep(LOOK_AGAIN_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the leaders of " + topics, e);
            }
        }
    }
}
