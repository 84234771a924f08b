package io.llmpipeline.launcher.batch;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.llmpipeline.batch.BatchResults;
import io.llmpipeline.batch.Batches;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "results", mixinStandardHelpOptions = true,
        description = {"Writes a batch's results in its input's format and line order: OpenAI output lines (failures in --errors),",
                "or Anthropic result lines (bad lines in --errors). Stopped half way, it continues when run again.",
                "The last line is: results: output=N errors=N pending=N complete=true|false"})
final class BatchResultsCommand implements Callable<Integer> {
    @Mixin
    BatchConnection connection;

    @Parameters(index = "0", paramLabel = "ID")
    String batchId;

    @Option(names = "--output", required = true, paramLabel = "OUT.jsonl")
    Path output;

    @Option(names = "--errors", paramLabel = "ERR.jsonl", description = "Error lines (default: into --output too).")
    Path errors;

    @Option(names = "--input", paramLabel = "FILE", description = "The input file, if it is no longer where it was submitted from.")
    Path input;

    @Override
    public Integer call() {
        try (Batches batches = connection.connect()) {
            if (batches.status(batchId).isEmpty()) {
                System.err.println("no batch " + batchId);
                return 2;
            }
            BatchResults.Summary s = batches.results(batchId, output, errors, input);
            System.out.println("results: output=" + s.output() + " errors=" + s.errors() + " pending=" + s.pending()
                    + " complete=" + s.complete());
        }
        return 0;
    }
}
