package io.llmpipeline.router.bench;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
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

import io.llmpipeline.schemas.Codecs;
import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.Priority;
import io.llmpipeline.schemas.ResultReadBack;
import io.llmpipeline.schemas.ResultStatus;
import io.llmpipeline.schemas.Usage;

/**
 * What the router pays per own cache hit it reads back from llm.results: decoding the result (and
 * testing it for the cache fill, as before) against looking at the header it now sets on it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class OwnResultSkipBenchmark {
    private byte[] hit;
    private Headers marked;

    @Setup
    public void result() {
        hit = Codecs.RESULT.encode(LlmResult.newBuilder().setRequestId("b-12345").setTenantId("tenant-7").setTaskType("chat")
                .setPriority(Priority.NORMAL).setCacheKey("9f2c".repeat(16)).setStatus(ResultStatus.OK)
                .setOutput("The duplex unit's feed roller is worn; replace it and the jams stop. ".repeat(3))
                .setFinishReason("stop").setProvider("sim-openai").setModel("gpt-4o-mini").setUsage(new Usage(0, 0, 0, 0))
                .setCacheHit(true).setSavedCostMicros(100).setSavedTokens(60).setMetadata(Map.of("caller", "bench"))
                .setLatencyMs(12).setCompletedAtMs(1_700_000_000_000L).build());
        marked = new RecordHeaders().add(ResultReadBack.IGNORE_HEADER, new byte[] {'1'});
    }

    @Benchmark
    public boolean decodeAndFilter() {
        LlmResult r = Codecs.RESULT.decode(hit);
        return ResultReadBack.wanted(r);
    }

    @Benchmark
    public boolean headerCheck() {
        return ResultReadBack.ignored(marked);
    }
}
