package io.llmpipeline.launcher.batch;

import java.time.Duration;
import java.util.concurrent.Callable;

import io.llmpipeline.batch.Batches;
import io.llmpipeline.schemas.BatchState;
import io.llmpipeline.schemas.BatchStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = {"Cancels a batch: requests not yet sent to a provider end as cancelled (no call, no cost);",
                "calls in flight finish and are billed. The last line is the batch's status line."})
final class BatchCancelCommand implements Callable<Integer> {
    @Mixin
    BatchConnection connection;

    @Parameters(index = "0", paramLabel = "ID")
    String batchId;

    @Override
    public Integer call() {
        try (Batches batches = connection.connect()) {
            if (batches.status(batchId).isEmpty()) {
                System.err.println("no batch " + batchId);
                return 2;
            }
            batches.cancel(batchId);
            BatchState s = batches.await(batchId, st -> st.getStatus() != BatchStatus.IN_PROGRESS
                    && st.getStatus() != BatchStatus.VALIDATING, Duration.ofSeconds(30)).orElseThrow();
            System.out.println(Batches.summaryLine(s));
        }
        return 0;
    }
}
