package io.llmpipeline.worker.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.CatalogLoader;
import io.llmpipeline.testsupport.MutableClock;
import io.llmpipeline.worker.it.PipelineHarness;

class LimitLearningTest {
    private final MutableClock clock = MutableClock.atEpochMs(1_000_000);
    private final Catalog catalog = CatalogLoader.parse(PipelineHarness.fourProviders("http://provider.test", null), "test",
            name -> null);

    private static ProviderLimits announcing(long requestsPerMinute) {
        return new ProviderLimits(new ProviderLimits.Window(requestsPerMinute, requestsPerMinute - 1, 1_000), null, false);
    }

    @Test
    void shouldHoldTheLimitAProviderAnnouncesWhereTheCatalogSetsNoneForEveryModelOfTheProvider() {
        GuardRegistry guards = new GuardRegistry(catalog, clock, Runnable::run);
        List<String> learnt = new ArrayList<>();
        guards.onLimitLearned(limit -> learnt.add(limit.id()));
        ModelGuard a = guards.forModel("gpt-a").orElseThrow();
        ModelGuard b = guards.forModel("gpt-b").orElseThrow();
        assertThat(guards.rateLimits()).as("the catalog sets no limit").isEmpty();

        a.providerAnswered(announcing(124), true);
        a.providerAnswered(announcing(124), true);

        assertThat(learnt).as("learnt once").containsExactly("requests:openai");
        assertThat(guards.rateLimits().get("requests:openai").configuredPerMinute()).isEqualTo(124.0);
        assertThat(b.rateLimits()).as("the sibling model of the provider holds it too")
                .extracting(SharedRateLimit::id).containsExactly("requests:openai");
        // a worker alone holds the whole limit: 124 a minute less the 60/62 margin is one call each 500 ms
        assertThat(b.reserveRateLimit(10, clock.millis() + 60_000)).isEqualTo(new RateRoom.Granted(1_000_500));
        assertThat(b.reserveRateLimit(10, clock.millis() + 60_000)).isEqualTo(new RateRoom.Granted(1_001_000));
    }

    @Test
    void shouldLeaveAConfiguredLimitToAdaptRatherThanLearnAnother() {
        Catalog limited = CatalogLoader.parse(PipelineHarness.fourProviders("http://provider.test", "{requestsPerMinute: 600}"),
                "test", name -> null);
        GuardRegistry guards = new GuardRegistry(limited, clock, Runnable::run);
        List<String> learnt = new ArrayList<>();
        guards.onLimitLearned(limit -> learnt.add(limit.id()));

        guards.forModel("gpt-a").orElseThrow().providerAnswered(announcing(300), true);

        assertThat(learnt).isEmpty();
        assertThat(guards.rateLimits().get("requests:openai").groupRatePerMinute()).as("the announced figure caps it")
                .isEqualTo(300.0);
    }
}
