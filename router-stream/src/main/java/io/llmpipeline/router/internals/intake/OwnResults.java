package io.llmpipeline.router.internals.intake;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ContextualFixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

import io.llmpipeline.schemas.LlmResult;
import io.llmpipeline.schemas.ResultReadBack;

/**
 * Marks the results the router writes that it has no use for when it reads the results topic back
 * (cache hits, replays, waiters' errors: most of what it writes under a cache-heavy load), with the
 * header its result decoder checks before decoding ({@link ResultReadBack}; the worker marks its
 * results the same way).
 */
public final class OwnResults extends ContextualFixedKeyProcessor<String, LlmResult, LlmResult> {
    @Override
    public void process(FixedKeyRecord<String, LlmResult> record) {
        if (ResultReadBack.wanted(record.value())) {
            context().forward(record);
            return;
        }
        // a fresh header set: the incoming one is shared with the record's other branches
        Headers headers = new RecordHeaders(record.headers().toArray());
        ResultReadBack.markUnwanted(record.value(), headers);
        context().forward(record.withHeaders(headers));
    }
}
