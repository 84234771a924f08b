package io.llmpipeline.http.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Ready means: the broker answers, and the router's and the workers' consumer groups each have at
 * least one live member (the group coordinator drops a member whose heartbeats stop, so "seen
 * recently" is the group's session timeout). Asked of the Admin client on each call.
 */
final class Readiness implements AutoCloseable {
    private static final long TIMEOUT_SECONDS = 5;

    private final Admin admin;
    private final String routerGroup;
    private final String workerGroup;

    Readiness(String bootstrapServers, String routerGroup, String workerGroup) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS)));
        this.routerGroup = routerGroup;
        this.workerGroup = workerGroup;
    }

    /** The checks as JSON, {@code "ready": true} only when all pass. */
    ObjectNode check() {
        ObjectNode report = Json.object();
        ObjectNode checks = report.putObject("checks");
        boolean ready;
        try {
            int brokers = admin.describeCluster().nodes().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).size();
            checks.put("broker", brokers + " broker(s) reachable");
            Map<String, ConsumerGroupDescription> groups = admin.describeConsumerGroups(List.of(routerGroup, workerGroup))
                    .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            int routers = groups.get(routerGroup).members().size();
            int workers = groups.get(workerGroup).members().size();
            checks.put("router", routers + " live member(s) in group " + routerGroup);
            checks.put("workers", workers + " live member(s) in group " + workerGroup);
            ready = brokers > 0 && routers > 0 && workers > 0;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            checks.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
            ready = false;
        }
        report.put("ready", ready);
        return report;
    }

    @Override
    public void close() {
        admin.close(java.time.Duration.ofSeconds(5));
    }
}
