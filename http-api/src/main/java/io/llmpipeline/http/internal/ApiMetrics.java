package io.llmpipeline.http.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The API's own meters, named under {@code llm_} in Prometheus's text format, plus the JVM's
 * (process CPU, memory, threads) under their usual names.
 */
public final class ApiMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicInteger waiting = new AtomicInteger();

    public ApiMetrics() {
        registry.gauge("llm.http.waiting", waiting);
        new ProcessorMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
    }

    /** One answered call: {@code llm_http_requests_total{endpoint,status}} and its duration. */
    void answered(String endpoint, int status, Duration took) {
        Counter.builder("llm.http.requests").description("HTTP API calls answered")
                .tags("endpoint", endpoint, "status", Integer.toString(status)).register(registry).increment();
        Timer.builder("llm.http.request.duration").description("from the call's arrival to its answer")
                .tags("endpoint", endpoint).register(registry).record(took);
    }

    void rateLimited(String keyName) {
        Counter.builder("llm.http.rate.limited").description("calls refused with 429 by a key's rate limit")
                .tag("key", keyName).register(registry).increment();
    }

    void result(String tenant, long costMicros, boolean cacheHit) {
        Counter.builder("llm.http.cost.micros").description("cost of the results the API returned, micro-dollars")
                .tag("tenant", tenant).register(registry).increment(costMicros);
        Counter.builder("llm.http.results").tags("tenant", tenant, "cache_hit", Boolean.toString(cacheHit))
                .register(registry).increment();
    }

    void callback(String outcome) {
        Counter.builder("llm.http.callbacks").description("callback deliveries by outcome: delivered, retried, abandoned")
                .tag("outcome", outcome).register(registry).increment();
    }

    AtomicInteger waiting() {
        return waiting;
    }

    public double counter(String name, String... tags) {
        Counter counter = registry.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    String scrape() {
        return registry.scrape();
    }
}
