package io.llmpipeline.http.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.llmpipeline.schemas.LlmResult;

/**
 * The requests this process submitted, newest kept: who owns each, how to render it, and its
 * result once it came. Bounded (least recently used goes first), so memory stays flat however
 * long the process runs; an id no longer here is looked up on Kafka ({@link ResultLookup}).
 */
final class ResultIndex {
    /**
     * @param tenant      owner
     * @param format      API format name the result is rendered in
     * @param submittedMs when the API accepted it
     * @param result      null while waiting
     */
    record Entry(String tenant, String format, long submittedMs, LlmResult result) {
    }

    private final Map<String, Entry> entries;

    ResultIndex(int capacity) {
        this.entries = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ResultIndex.Entry> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized void submitted(String id, String tenant, String format, long nowMs) {
        entries.put(id, new Entry(tenant, format, nowMs, null));
    }

    synchronized void completed(LlmResult result) {
        Entry entry = entries.get(result.getRequestId());
        if (entry != null) {
            entries.put(result.getRequestId(), new Entry(entry.tenant(), entry.format(), entry.submittedMs(), result));
        }
    }

    synchronized Optional<Entry> get(String id) {
        return Optional.ofNullable(entries.get(id));
    }

    synchronized int size() {
        return entries.size();
    }
}
