package io.llmpipeline.launcher.batch;

import java.util.concurrent.Callable;

import io.llmpipeline.batch.Batches;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "list", mixinStandardHelpOptions = true, description = "Every batch, newest first, one status line each.")
final class BatchListCommand implements Callable<Integer> {
    @Mixin
    BatchConnection connection;

    @Override
    public Integer call() {
        try (Batches batches = connection.connect()) {
            batches.list().forEach(s -> System.out.println(Batches.summaryLine(s)));
        }
        return 0;
    }
}
