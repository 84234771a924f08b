package io.llmpipeline.analytics.export;

/** A record the exporter could not decode: kept with the reason, never dropped silently. */
public record RejectedRecord(String topic, int partition, long offset, long timestampMs, String reason, byte[] value) {
}
