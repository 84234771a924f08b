package io.llmpipeline.launcher;

import picocli.CommandLine.Command;

@Command(name = "analytics", mixinStandardHelpOptions = true,
        description = "Cost analytics: export the event topics to Parquet, measure the export.",
        subcommands = {ExportCommand.class, AnalyticsBenchCommand.class})
final class AnalyticsCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
