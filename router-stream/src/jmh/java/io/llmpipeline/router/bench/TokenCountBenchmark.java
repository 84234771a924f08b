package io.llmpipeline.router.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.llmpipeline.catalog.TokenCounter;
import io.llmpipeline.catalog.TokenizerKind;
import io.llmpipeline.schemas.ChatMessage;
import io.llmpipeline.schemas.Role;

/** Input-token counting per request: exact (jtokkit) and estimated, for short, medium and long prompts. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class TokenCountBenchmark {
    @Param({"O200K_BASE", "CL100K_BASE", "ESTIMATE"})
    public TokenizerKind tokenizer;

    /** Characters in the user message: a chat turn, a page, a long document. */
    @Param({"100", "2000", "32000"})
    public int chars;

    private List<ChatMessage> messages;

    @Setup
    public void prompt() {
        String sentence = "The printer on the third floor jams whenever duplex printing is enabled, 42 times today. ";
        StringBuilder text = new StringBuilder();
        while (text.length() < chars) {
            text.append(sentence);
        }
        messages = List.of(new ChatMessage(Role.SYSTEM, "You are a concise assistant.", null, null),
                new ChatMessage(Role.USER, text.substring(0, chars), null, null));
    }

    @Benchmark
    public int count() {
        return TokenCounter.count(tokenizer, messages);
    }
}
