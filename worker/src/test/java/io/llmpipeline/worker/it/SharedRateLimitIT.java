package io.llmpipeline.worker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;

import org.junit.jupiter.api.Test;

import io.llmpipeline.schemas.InvocationEvent;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.ModelRef;
import io.llmpipeline.schemas.ResultStatus;
import io.llmpipeline.sim.FaultScript;
import io.llmpipeline.worker.Worker;

/**
 * Three workers of one group against a provider that allows 600 calls a minute, the limit in the
 * catalog: each holds a third of it through the group's heartbeats, so together they keep to the
 * limit instead of allowing three times it. A full minute is too long for a test, so the pace is
 * checked in every 10 s window (a sixth of the limit, plus one burst per worker and a little for
 * calls a busy machine sends late), and the provider's own count shows no refusal.
 */
class SharedRateLimitIT extends WithSimulator {
    private static final ModelRef GPT_A = new ModelRef("openai", "gpt-a");
    private static final int LIMIT = 600;
    private static final int REQUESTS = 240;

    @Test
    void shouldKeepThreeWorkersTogetherUnderTheProvidersLimitAndNearIt() {
        sim.script("gpt-a", FaultScript.none().withRequestsPerMinute(LIMIT));
        try (PipelineHarness h = new PipelineHarness("shared-rpm",
                PipelineHarness.fourProviders(sim.baseUrl(), "{requestsPerMinute: " + LIMIT + "}"));
             Worker w1 = Worker.start(h.catalog(), h.bootstrap(), "w1");
             Worker w2 = Worker.start(h.catalog(), h.bootstrap(), "w2");
             Worker w3 = Worker.start(h.catalog(), h.bootstrap(), "w3")) {
            List<Worker> workers = List.of(w1, w2, w3);
            awaitPartitionsOnEach(h, workers.size());
            await().atMost(Duration.ofSeconds(15)).until(() ->
                    workers.stream().allMatch(w -> w.share("requests:openai") > 0.3));
            assertThat(workers.stream().mapToDouble(w -> w.share("requests:openai")).sum())
                    .as("the shares never add up to more than the whole").isLessThanOrEqualTo(1.0 + 1e-9);

            long deadline = System.currentTimeMillis() + 55_000;
            h.sendRoundRobin("s", REQUESTS, GPT_A, deadline);
            List<LlmResult> results = h.results(REQUESTS, Duration.ofSeconds(55));
            List<InvocationEvent> events = h.invocations(REQUESTS, Duration.ofSeconds(5));

            assertThat(results).hasSize(REQUESTS).allSatisfy(r -> assertThat(r.getStatus()).isEqualTo(ResultStatus.OK));
            assertThat(sim.stats().callsWithStatus("gpt-a", 429)).as("the provider never had to refuse").isZero();
            assertThat(sim.stats().maxRequestsPerMinute("gpt-a")).isLessThanOrEqualTo(LIMIT);
            assertThat(events.stream().map(InvocationEvent::getWorkerId).distinct()).as("all three called")
                    .containsExactlyInAnyOrder("w1", "w2", "w3");
            long[] starts = events.stream().mapToLong(InvocationEvent::getStartedAtMs).sorted().toArray();
            int busiest = busiestWindow(starts, 10_000);
            System.out.printf("shared rate limit: %d calls, busiest 10 s window %d (limit %d a minute = %d per 10 s), "
                    + "provider max in any minute %d%n", starts.length, busiest, LIMIT, LIMIT / 6,
                    sim.stats().maxRequestsPerMinute("gpt-a"));
            // paced at 60/62 of the limit; a call scheduled late by a busy machine can still land in the next window,
            // which in a 10 s window weighs six times what it does in the provider's minute: 5 % allowed for it
            assertThat(busiest).as("a sixth of the limit in any 10 s, plus one burst per worker")
                    .isLessThanOrEqualTo(LIMIT / 6 * 105 / 100 + workers.size());
            assertThat(busiest).as("and close to it: at least 90 %").isGreaterThanOrEqualTo(LIMIT / 6 * 9 / 10);

            // a worker that stops says goodbye: the other two take its part within seconds (2 s of grace),
            // split between them by what each asks for
            long stoppedAt = System.currentTimeMillis();
            w3.close();
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    w1.share("requests:openai") + w2.share("requests:openai") > 0.99);
            System.out.printf("shared rate limit: the leaver's share was taken in %d ms%n", System.currentTimeMillis() - stoppedAt);
        }
    }

    @Test
    void shouldLearnTheLimitTheProviderAnnouncesWhenTheCatalogSetsNone() {
        int limit = 120;
        sim.script("gpt-a", FaultScript.none().withRequestsPerMinute(limit));
        sim.resetStats(); // the calls of the other test are not this one's
        try (PipelineHarness h = new PipelineHarness("learnt-rpm", PipelineHarness.fourProviders(sim.baseUrl(), null));
             Worker w1 = Worker.start(h.catalog(), h.bootstrap(), "l1");
             Worker w2 = Worker.start(h.catalog(), h.bootstrap(), "l2");
             Worker w3 = Worker.start(h.catalog(), h.bootstrap(), "l3")) {
            List<Worker> workers = List.of(w1, w2, w3);
            awaitPartitionsOnEach(h, workers.size());
            long deadline = System.currentTimeMillis() + 120_000;
            int partitions = h.catalog().bands().totalPartitions();
            // first a few calls, one per partition: every worker hears the provider's headers once
            h.sendRoundRobin("first", partitions, GPT_A, deadline);
            h.results(partitions, Duration.ofSeconds(30));
            await().atMost(Duration.ofSeconds(15)).until(() ->
                    workers.stream().allMatch(w -> Double.isFinite(w.ratePerMinute("requests:openai"))));
            long learntAt = System.currentTimeMillis();

            int burst = 40;
            h.sendRoundRobin("l", burst, GPT_A, deadline);
            List<LlmResult> results = h.results(partitions + burst, Duration.ofSeconds(90));
            List<InvocationEvent> events = h.invocations(partitions + burst, Duration.ofSeconds(5));

            assertThat(results).allSatisfy(r -> assertThat(r.getStatus()).isEqualTo(ResultStatus.OK));
            long[] starts = events.stream().mapToLong(InvocationEvent::getStartedAtMs).filter(t -> t >= learntAt).sorted().toArray();
            int busiest = busiestWindow(starts, 10_000);
            System.out.printf("learnt rate limit: %d calls after learning, busiest 10 s window %d (a sixth of %d a minute = %d), "
                    + "429s %d%n", starts.length, busiest, limit, limit / 6, sim.stats().callsWithStatus("gpt-a", 429));
            // unpaced, the 40 calls would start within a second; paced, a sixth of the limit per 10 s plus one burst each
            assertThat(busiest).isLessThanOrEqualTo(limit / 6 * 105 / 100 + workers.size());
            assertThat(sim.stats().maxRequestsPerMinute("gpt-a")).isLessThanOrEqualTo(limit);
        }
    }

    @Test
    void shouldKeepToTheProvidersLimitWhenTheCatalogSaysFourTimesIt() {
        int limit = 120;
        sim.script("gpt-a", FaultScript.none().withRequestsPerMinute(limit));
        sim.resetStats();
        try (PipelineHarness h = new PipelineHarness("wrong-rpm",
                PipelineHarness.fourProviders(sim.baseUrl(), "{requestsPerMinute: " + 4 * limit + "}"));
             Worker w1 = Worker.start(h.catalog(), h.bootstrap(), "x1");
             Worker w2 = Worker.start(h.catalog(), h.bootstrap(), "x2");
             Worker w3 = Worker.start(h.catalog(), h.bootstrap(), "x3")) {
            List<Worker> workers = List.of(w1, w2, w3);
            awaitPartitionsOnEach(h, workers.size());
            int requests = 60;
            long deadline = System.currentTimeMillis() + 120_000;
            h.sendRoundRobin("x", requests, GPT_A, deadline);
            List<LlmResult> results = h.results(requests, Duration.ofSeconds(90));
            long throttled = sim.stats().callsWithStatus("gpt-a", 429);
            long calls = sim.stats().calls("gpt-a");
            System.out.printf("wrong catalog limit: %d calls, %d answered 429, provider max in any minute %d (limit %d, catalog %d)%n",
                    calls, throttled, sim.stats().maxRequestsPerMinute("gpt-a"), limit, 4 * limit);

            List<InvocationEvent> events = h.invocations(requests, Duration.ofSeconds(5));
            int busiest = busiestWindow(events.stream().mapToLong(InvocationEvent::getStartedAtMs).sorted().toArray(), 10_000);

            assertThat(results).hasSize(requests).allSatisfy(r -> assertThat(r.getStatus()).isEqualTo(ResultStatus.OK));
            // the first answers' headers cap the group's rate at the provider's figure: at the catalog's it would be 80 in 10 s
            assertThat(busiest).as("a sixth of the provider's limit per 10 s, plus one burst each and the first calls")
                    .isLessThanOrEqualTo(limit / 6 * 105 / 100 + 2 * workers.size());
            assertThat(throttled).as("under 5 % refused").isLessThanOrEqualTo(calls / 20);
        }
    }

    @Test
    void shouldFinishEveryRequestUnderTheLimitInAStormOf429s() {
        int limit = 240;
        sim.script("gpt-a", FaultScript.none().withRequestsPerMinute(limit).toBuilder()
                .errorRate(0.2).errorStatus(429).retryAfterSeconds(1).build());
        sim.resetStats();
        try (PipelineHarness h = new PipelineHarness("storm-rpm",
                PipelineHarness.fourProviders(sim.baseUrl(), "{requestsPerMinute: " + limit + "}"));
             Worker w1 = Worker.start(h.catalog(), h.bootstrap(), "t1");
             Worker w2 = Worker.start(h.catalog(), h.bootstrap(), "t2");
             Worker w3 = Worker.start(h.catalog(), h.bootstrap(), "t3")) {
            awaitPartitionsOnEach(h, 3);
            int requests = 60;
            long deadline = System.currentTimeMillis() + 120_000;
            h.sendRoundRobin("t", requests, GPT_A, deadline);
            List<LlmResult> results = h.results(requests, Duration.ofSeconds(100));
            System.out.printf("storm: %d calls, %d answered 429, provider max in any minute %d (limit %d)%n",
                    sim.stats().calls("gpt-a"), sim.stats().callsWithStatus("gpt-a", 429), sim.stats().maxRequestsPerMinute("gpt-a"), limit);

            List<InvocationEvent> events = h.invocations(requests, Duration.ofSeconds(5));
            int busiest = busiestWindow(events.stream().mapToLong(InvocationEvent::getStartedAtMs).sorted().toArray(), 10_000);

            assertThat(results).as("every request answered: a 429 delays only its own request")
                    .hasSize(requests).allSatisfy(r -> assertThat(r.getStatus()).isEqualTo(ResultStatus.OK));
            assertThat(sim.stats().callsWithStatus("gpt-a", 429)).as("the storm refused some").isPositive();
            assertThat(busiest).as("refused calls count against the pace too").isLessThanOrEqualTo(limit / 6 * 105 / 100 + 3);
        }
    }

    /** Each worker holds partitions, so none of them takes the whole load before the last one joined. */
    private static void awaitPartitionsOnEach(PipelineHarness h, int members) {
        String group = h.catalog().config().worker().groupId();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, h.bootstrap()))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
                return d.members().size() == members
                        && d.members().stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty());
            });
        }
    }

    /** The most starts within any window of {@code windowMs}. */
    static int busiestWindow(long[] sortedStarts, long windowMs) {
        int best = 0;
        int from = 0;
        for (int to = 0; to < sortedStarts.length; to++) {
            while (sortedStarts[to] - sortedStarts[from] >= windowMs) {
                from++;
            }
            best = Math.max(best, to - from + 1);
        }
        return best;
    }

}
