package io.llmpipeline.launcher.batch;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./pipeline batch ...}: batch jobs from a JSONL file. */
@Command(name = "batch", mixinStandardHelpOptions = true,
        description = "Batch jobs: an OpenAI Batch or Anthropic Message Batches JSONL file in, results in the same format out.",
        subcommands = {BatchSubmitCommand.class, BatchStatusCommand.class, BatchListCommand.class, BatchCancelCommand.class,
                BatchResultsCommand.class, BatchBenchCommand.class})
public final class BatchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
