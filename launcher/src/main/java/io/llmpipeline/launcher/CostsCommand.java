package io.llmpipeline.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import io.llmpipeline.analytics.export.Exporter;
import io.llmpipeline.analytics.report.AnalyticsStore;
import io.llmpipeline.analytics.report.AnomalyPublisher;
import io.llmpipeline.analytics.report.BudgetBurn;
import io.llmpipeline.analytics.report.CostReports;
import io.llmpipeline.analytics.report.Dimension;
import io.llmpipeline.analytics.report.Recommendations;
import io.llmpipeline.analytics.report.ReportException;
import io.llmpipeline.analytics.report.Since;
import io.llmpipeline.analytics.report.SpendAnomalies;
import io.llmpipeline.analytics.report.Table;
import io.llmpipeline.analytics.report.TableFormat;
import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.schemas.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "costs", mixinStandardHelpOptions = true,
        description = {"What was spent, by whom, on what, and what to change: reports in DuckDB over exported Parquet",
                "(--data), or straight from the topics (--bootstrap: exported to a temporary directory first;",
                "both: DIR is brought up to date first). Last line: costs: total_micros=N rows=N",
                "(total_micros: billed spend of every attempt in the --since window; rows: rows printed)."})
final class CostsCommand implements Callable<Integer> {
    enum Report { SPEND, DAILY, CACHE, RANKINGS, BUDGETS, ANOMALIES, RECOMMENDATIONS }

    @Mixin
    AnalyticsOptions analytics;

    @Option(names = "--data", paramLabel = "DIR", description = "An export directory (./pipeline analytics export).")
    Path data;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Read the topics of this Kafka.")
    String bootstrap;

    @Option(names = "--by", paramLabel = "DIMS", defaultValue = "tenant",
            description = "Group spend by any of tenant, model, provider, task_type, day, outcome, label:<key> (default: ${DEFAULT-VALUE}).")
    String by;

    @Option(names = "--since", paramLabel = "AGE", defaultValue = "all",
            description = "Only attempts that ended this long ago or later: 7d, 12h, 30m, or all (default: ${DEFAULT-VALUE}).")
    String since;

    @Option(names = "--format", defaultValue = "table", description = "table, csv or json (default: ${DEFAULT-VALUE}).")
    TableFormat format;

    @Option(names = "--report", defaultValue = "spend",
            description = "spend, daily, cache, rankings, budgets, anomalies or recommendations (default: ${DEFAULT-VALUE}).")
    Report report;

    @Option(names = "--sql", paramLabel = "QUERY",
            description = "Any DuckDB query over the views invocations and results (instead of --report).")
    String sql;

    @Option(names = "--publish", description = "With --report anomalies: also publish them on --alerts-topic (needs --bootstrap).")
    boolean publish;

    @Option(names = "--alerts-topic", paramLabel = "TOPIC", defaultValue = Topics.SPEND_ANOMALIES,
            description = "Compacted topic for published anomalies (default: ${DEFAULT-VALUE}).")
    String alertsTopic;

    Clock clock = Clock.systemUTC();
    PrintStream out = System.out;

    @Override
    public Integer call() {
        if (data == null && bootstrap == null) {
            System.err.println("costs: give --data DIR (an export directory) or --bootstrap HOST:PORT (read the topics)");
            return 2;
        }
        if (publish && bootstrap == null) {
            System.err.println("costs: --publish needs --bootstrap");
            return 2;
        }
        Path temp = null;
        try {
            Catalog catalog = analytics.catalog();
            Path dir = data;
            if (bootstrap != null) {
                if (dir == null) {
                    temp = Files.createTempDirectory("llm-costs");
                    dir = temp;
                }
                try (Exporter exporter = Exporter.create(catalog, bootstrap, dir, Exporter.Options.defaults())) {
                    exporter.runOnce();
                }
            }
            Duration window = Since.parse(since);
            try (AnalyticsStore store = AnalyticsStore.open(dir)) {
                CostReports reports = new CostReports(store, clock);
                Table table = sql != null ? reports.sql(sql) : run(catalog, store, reports, window);
                format.print(table, out);
                long total = reports.spend(List.of(), window).sum("spend_micros");
                if (publish && report == Report.ANOMALIES && sql == null) {
                    int sent = AnomalyPublisher.publish(bootstrap, alertsTopic, table, SpendAnomalies.defaults().baseline().toMillis(), clock);
                    System.err.println("published " + sent + " anomalies to " + alertsTopic);
                }
                out.println("costs: total_micros=" + total + " rows=" + table.rows().size());
            }
            return 0;
        } catch (ReportException | IllegalStateException e) {
            System.err.println("costs: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (temp != null) {
                try {
                    WorkDirs.deleteRecursively(temp);
                } catch (UncheckedIOException e) {
                    System.err.println("could not remove " + temp + ": " + e.getMessage());
                }
            }
        }
    }

    private Table run(Catalog catalog, AnalyticsStore store, CostReports reports, Duration window) {
        List<Dimension> dims = Dimension.parseList(by);
        return switch (report) {
            case SPEND -> reports.spend(dims, window);
            case DAILY -> reports.daily(dims.stream().filter(d -> !d.name().equals("day")).toList(), window);
            case CACHE -> reports.cacheSavings(window);
            case RANKINGS -> reports.modelRankings(window);
            case BUDGETS -> new BudgetBurn(store, clock).report(catalog);
            case ANOMALIES -> SpendAnomalies.defaults().detect(store, clock, dims.isEmpty() ? Dimension.parse("tenant") : dims.getFirst());
            case RECOMMENDATIONS -> Recommendations.defaults().report(store, clock, catalog, window);
        };
    }
}
