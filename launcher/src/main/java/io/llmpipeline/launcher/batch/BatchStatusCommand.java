package io.llmpipeline.launcher.batch;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.llmpipeline.batch.Batches;
import io.llmpipeline.schemas.BatchState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Where a batch is. The last line is:",
                "batch: id=ID status=S total=N completed=N failed=N cancelled=N expired=N cost_micros=N input_tokens=N output_tokens=N",
                "Exit 0; 1 when --wait timed out; 2 when there is no such batch."})
final class BatchStatusCommand implements Callable<Integer> {
    @Mixin
    BatchConnection connection;

    @Parameters(index = "0", paramLabel = "ID")
    String batchId;

    @Option(names = "--wait", description = "Wait until the batch has ended (a progress bar on a terminal).")
    boolean await;

    @Option(names = "--timeout", defaultValue = "86400", paramLabel = "S", description = "With --wait: give up after this many seconds (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Override
    public Integer call() {
        try (Batches batches = connection.connect()) {
            Optional<BatchState> state = batches.status(batchId);
            if (await) {
                try (Bar bar = Bar.forTerminal(batchId)) {
                    state = batches.await(batchId, s -> {
                        bar.update(s.getStatus().name().toLowerCase(java.util.Locale.ROOT),
                                s.getCompleted() + s.getFailed() + s.getCancelled() + s.getExpired(), s.getTotal());
                        return Batches.isFinished(s.getStatus());
                    }, Duration.ofSeconds(timeoutSeconds));
                }
            }
            if (state.isEmpty()) {
                System.err.println("no batch " + batchId);
                return 2;
            }
            BatchState s = state.get();
            if (s.getEndReason() != null || s.getInvalid() > 0) {
                System.out.println("invalid_lines=" + s.getInvalid() + " end_reason=" + s.getEndReason() + " not_sent=" + s.getNotSent());
            }
            System.out.println(Batches.summaryLine(s));
            return await && !Batches.isFinished(s.getStatus()) ? 1 : 0;
        }
    }
}
