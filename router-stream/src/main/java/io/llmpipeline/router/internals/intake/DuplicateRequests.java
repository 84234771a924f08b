package io.llmpipeline.router.internals.intake;

import java.time.Duration;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.llmpipeline.schemas.LlmRequest;
import io.llmpipeline.schemas.Readmissions;

/**
 * One request id, one answer: a request whose id this task already took within the window (a
 * producer retry without idempotence, a client that sent twice) goes no further, so it makes no
 * second provider call, no second bill and no second result; the first copy's result answers it.
 * Copies of one id land on one partition (requests are keyed by id) and so meet here without a
 * repartition. Exactly-once keeps the store in step with the offsets, so a router that restarts
 * never takes a record it re-reads for a duplicate of itself. Old ids leave with the window
 * store's segments, by stream time.
 */
public final class DuplicateRequests extends ContextualProcessor<String, LlmRequest, String, LlmRequest> {
    public static final String STORE = "request-ids";
    private static final Logger LOG = LoggerFactory.getLogger(DuplicateRequests.class);

    private final Duration window;
    private WindowStore<String, Long> seen;

    public DuplicateRequests(Duration window) {
        this.window = window;
    }

    public static StoreBuilder<WindowStore<String, Long>> store(Duration window) {
        // windows of 1 ms at each request's timestamp: the store is a set of ids with an expiry
        return Stores.windowStoreBuilder(Stores.persistentWindowStore(STORE, window, Duration.ofMillis(1), false),
                Serdes.String(), Serdes.Long());
    }

    @Override
    public void init(ProcessorContext<String, LlmRequest> context) {
        super.init(context);
        seen = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, LlmRequest> record) {
        int readmittedAfter = Readmissions.attemptsBefore(record.value());
        // a request a worker sent back (see Readmissions) is the same id taken again on purpose, once per readmission
        String id = record.value().getRequestId() + (readmittedAfter > 0 ? "#" + readmittedAfter : "");
        long at = record.timestamp();
        try (WindowStoreIterator<Long> earlier = seen.fetch(id, at - window.toMillis(), at + window.toMillis())) {
            if (earlier.hasNext()) {
                LOG.info("request {} of tenant {} was already taken; this copy is dropped, the first one's result answers it",
                        id, record.value().getTenantId());
                return;
            }
        }
        seen.put(id, at, at);
        context().forward(record);
    }
}
