package io.llmpipeline.router.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.llmpipeline.router.internals.coalescing.CacheKeys;
import io.llmpipeline.schemas.ChatMessage;
import io.llmpipeline.schemas.GenerationParams;
import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.Role;

/** The cache key of a typical chat request: canonical JSON and SHA-256, paid by every cacheable request. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class CacheKeyBenchmark {
    private LlmRequest request;

    @Setup
    public void request() {
        request = LlmRequest.newBuilder().setRequestId("r").setTenantId("t").setTaskType("chat")
                .setMessages(List.of(new ChatMessage(Role.SYSTEM, "You are a concise assistant.", null, null),
                        new ChatMessage(Role.USER, "Summarise ticket #1234: the printer on floor 3 jams whenever duplex printing is on.",
                                null, null)))
                .setParams(GenerationParams.newBuilder().setMaxTokens(200).setTemperature(0.0).build())
                .setPassthroughJson("{\"response_format\":{\"type\":\"json_object\"}}")
                .build();
    }

    @Benchmark
    public String key() {
        return CacheKeys.key(request, "");
    }
}
