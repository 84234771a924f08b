import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

import io.llmpipeline.schemas.Codecs;

/**
 * Where a request's time goes between topics, read from the segments of a broker that stamps
 * records with their append time. Run a bench with
 * {@code PIPELINE_JAVA_OPTS="-Xmx2g -XX:+UseParallelGC -Dllm.broker.log.message.timestamp.type=LogAppendTime"},
 * then {@code java -cp launcher/target/llm-pipeline.jar scripts/HopTimes.java <work-dir>/bench/kafka/logs [id-prefix]}
 * (the bench's measured requests have ids starting with {@code b}, its warm-up's with {@code w}).
 * For every request it takes the append time on llm.requests, on the assigned topic and on
 * llm.results, and the time of the commit marker that made the latter two visible to
 * read_committed readers; percentiles over requests that have them all.
 */
public class HopTimes {
    private static final String[] STAGES = {"llm.requests-", "llm.requests.assigned-", "llm.results-"};
    private static final String JOURNAL = "llm.requests.assigned.journal-";

    public static void main(String[] args) throws Exception {
        Map<String, long[]> times = new HashMap<>(); // request id -> append, visible per stage
        String idPrefix = args.length > 1 ? args[1] : "";
        Map<String, long[]> journal = new HashMap<>(); // request id -> first start appended, last end appended
        for (File dir : new File(args[0]).listFiles()) {
            if (dir.getName().startsWith(JOURNAL)) {
                readJournal(dir, idPrefix, journal);
                continue;
            }
            int stage = stageOf(dir.getName());
            if (stage < 0) {
                continue;
            }
            File[] files = dir.listFiles((d, f) -> f.endsWith(".log"));
            Arrays.sort(files);
            Map<Long, List<String>> openByProducer = new HashMap<>();
            for (File f : files) {
                try (FileRecords records = FileRecords.open(f)) {
                    for (RecordBatch batch : records.batches()) {
                        if (batch.isControlBatch()) {
                            for (String id : openByProducer.getOrDefault(batch.producerId(), List.of())) {
                                times.get(id)[stage * 2 + 1] = batch.maxTimestamp();
                            }
                            openByProducer.remove(batch.producerId());
                            continue;
                        }
                        for (Record r : batch) {
                            String id = requestId(stage, r);
                            if (id == null || !id.startsWith(idPrefix)) {
                                continue;
                            }
                            long[] t = times.computeIfAbsent(id, k -> new long[6]);
                            t[stage * 2] = r.timestamp();
                            if (batch.isTransactional()) {
                                openByProducer.computeIfAbsent(batch.producerId(), k -> new ArrayList<>()).add(id);
                            } else {
                                t[stage * 2 + 1] = r.timestamp();
                            }
                        }
                    }
                }
            }
        }
        String[] names = {"request appended -> assignment appended", "assignment appended -> visible",
                "assignment visible -> result appended", "result appended -> visible", "request appended -> result visible"};
        List<long[]> rows = new ArrayList<>();
        for (long[] t : times.values()) {
            if (Arrays.stream(t).noneMatch(v -> v == 0)) {
                rows.add(new long[] {t[2] - t[0], t[3] - t[2], t[4] - t[3], t[5] - t[4], t[5] - t[0]});
            }
        }
        System.out.printf("requests with every stage: %d of %d%n", rows.size(), times.size());
        List<long[]> worker = new ArrayList<>();
        for (Map.Entry<String, long[]> e : journal.entrySet()) {
            long[] t = times.get(e.getKey());
            long[] j = e.getValue();
            if (t != null && Arrays.stream(t).noneMatch(v -> v == 0) && j[0] != 0 && j[1] != 0) {
                worker.add(new long[] {j[0] - t[3], j[1] - j[0], t[4] - j[1]});
            }
        }
        String[] workerNames = {"  visible -> journal start appended", "  journal start -> end appended", "  journal end -> result appended"};
        print(workerNames, worker, "worker's part (attempt journal), requests: " + worker.size());
        print(names, rows, null);
    }

    private static void print(String[] names, List<long[]> rows, String title) {
        if (title != null) {
            System.out.println(title);
        }
        for (int i = 0; i < names.length; i++) {
            int col = i;
            long[] v = rows.stream().mapToLong(r -> r[col]).sorted().toArray();
            if (v.length > 0) {
                System.out.printf("%-42s p50 %5d ms  p90 %5d ms  p99 %5d ms%n", names[i], v[v.length / 2], v[v.length * 9 / 10],
                        v[v.length * 99 / 100]);
            }
        }
    }

    private static void readJournal(File dir, String idPrefix, Map<String, long[]> journal) throws Exception {
        File[] files = dir.listFiles((d, f) -> f.endsWith(".log"));
        Arrays.sort(files);
        for (File f : files) {
            try (FileRecords records = FileRecords.open(f)) {
                for (RecordBatch batch : records.batches()) {
                    for (Record r : batch) {
                        if (!r.hasKey() || !r.hasValue()) {
                            continue;
                        }
                        byte[] v = new byte[r.valueSize()];
                        r.value().get(v);
                        var entry = Codecs.ATTEMPT_JOURNAL.decode(v);
                        if (!entry.getRequestId().startsWith(idPrefix)) {
                            continue;
                        }
                        long[] t = journal.computeIfAbsent(entry.getRequestId(), k -> new long[2]);
                        if (entry.getEndedAtMs() == null) {
                            t[0] = t[0] == 0 ? r.timestamp() : t[0];
                        } else {
                            t[1] = r.timestamp();
                        }
                    }
                }
            }
        }
    }

    private static int stageOf(String dir) {
        if (dir.startsWith("llm.requests.assigned.journal")) {
            return -1;
        }
        for (int i = STAGES.length - 1; i >= 0; i--) {
            if (dir.startsWith(STAGES[i]) && dir.substring(STAGES[i].length()).matches("\\d+")) {
                return i;
            }
        }
        return -1;
    }

    private static String requestId(int stage, Record r) {
        if (!r.hasValue()) {
            return null;
        }
        byte[] v = new byte[r.valueSize()];
        r.value().get(v);
        try {
            return switch (stage) {
                case 0 -> Codecs.REQUEST.decode(v).getRequestId();
                case 1 -> Codecs.ASSIGNMENT.decode(v).getRequest().getRequestId();
                default -> Codecs.RESULT.decode(v).getRequestId();
            };
        } catch (RuntimeException e) {
            return null; // not ours to time (another schema, a tombstone)
        }
    }
}
