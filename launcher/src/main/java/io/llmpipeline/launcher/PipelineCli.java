package io.llmpipeline.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code ./pipeline}. */
@Command(name = "pipeline", mixinStandardHelpOptions = true, version = "llm-pipeline 0.1.0",
        description = "Runs llm-pipeline locally: an embedded Kafka (or yours), the router, a worker and the provider simulator.",
        subcommands = {DemoCommand.class, UpCommand.class, BenchCommand.class, TopicsCommand.class, ChaosCommand.class})
public final class PipelineCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int exit;
        try {
            exit = new CommandLine(new PipelineCli()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        } catch (Throwable e) {
            // an Error escapes picocli; exit anyway, or the broker's non-daemon threads keep the JVM alive
            e.printStackTrace();
            exit = 70;
        }
        System.exit(exit);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
