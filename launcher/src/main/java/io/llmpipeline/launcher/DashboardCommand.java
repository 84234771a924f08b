package io.llmpipeline.launcher;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.llmpipeline.analytics.dashboard.DashboardServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "dashboard", mixinStandardHelpOptions = true,
        description = {"Serves the dashboard (provider health, throughput and latency, spend over time, budgets,",
                "batches, recommendations) on http://localhost:PORT/ until Ctrl-C. With --bootstrap it keeps",
                "DIR up to date itself (unless an `analytics export --follow` already does)."})
final class DashboardCommand implements Callable<Integer> {
    @Mixin
    AnalyticsOptions analytics;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "The Kafka whose health, batches and events to show.")
    String bootstrap;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Export directory the figures come from.")
    Path data;

    @Option(names = "--port", defaultValue = "8090", description = "HTTP port (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int port;

    @Override
    public Integer call() throws InterruptedException {
        DashboardServer server = DashboardServer.start(analytics.catalog(), bootstrap, data, port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "dashboard-stop"));
        System.out.println("dashboard: " + server.url());
        stopped.await();
        return 0;
    }
}
