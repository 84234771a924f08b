package io.llmpipeline.catalog;

import java.util.List;

/**
 * The worker's Kafka client tuning ({@code worker.kafka} in {@code pipeline.yaml}). Settings the
 * delivery guarantee rests on are not here but fixed in code: read_committed, no auto-commit,
 * idempotence with acks=all, one request in flight per connection, static membership and the
 * cooperative assignor. Every key is declared once in {@link #KEYS}.
 */
public record WorkerKafkaConfig(Integer maxPollRecords, Long pollMs, Integer lingerMs, Integer batchSizeBytes,
                                Integer transactionTimeoutMs, Long closeTimeoutMs) {

    public static final List<ConfigKey<WorkerKafkaConfig, Builder, ?>> KEYS = List.of(
            ConfigKey.positiveInt("maxPollRecords", 1_000,
                    "assignments one poll may return (consumer max.poll.records)",
                    WorkerKafkaConfig::maxPollRecords, Builder::maxPollRecords),
            ConfigKey.positiveLong("pollMs", 20L,
                    "longest a poll waits for records; bounds how late finished work is drained and committed",
                    WorkerKafkaConfig::pollMs, Builder::pollMs),
            new ConfigKey<>("lingerMs", Integer.class, 5, v -> v >= 0, "0 or more",
                    "producer linger.ms: how long output waits to fill a batch",
                    WorkerKafkaConfig::lingerMs, Builder::lingerMs),
            ConfigKey.positiveInt("batchSizeBytes", 131_072, "producer batch.size",
                    WorkerKafkaConfig::batchSizeBytes, Builder::batchSizeBytes),
            ConfigKey.positiveInt("transactionTimeoutMs", 30_000,
                    "producer transaction.timeout.ms: an open transaction of a dead worker is aborted after this",
                    WorkerKafkaConfig::transactionTimeoutMs, Builder::transactionTimeoutMs),
            ConfigKey.positiveLong("closeTimeoutMs", 5_000L,
                    "how long closing the consumer (leaving the group) and the producer may take",
                    WorkerKafkaConfig::closeTimeoutMs, Builder::closeTimeoutMs));

    public static Builder builder() {
        return new Builder();
    }

    /** Every key set, absent ones to their defaults. */
    public WorkerKafkaConfig resolved() {
        return ConfigKey.resolveAll(KEYS, this, null, new Builder()).build();
    }

    public List<ConfigProblem> problems(String path) {
        return ConfigKey.problems(KEYS, path, this);
    }

    public static final class Builder {
        private Integer maxPollRecords;
        private Long pollMs;
        private Integer lingerMs;
        private Integer batchSizeBytes;
        private Integer transactionTimeoutMs;
        private Long closeTimeoutMs;

        private Builder() {
        }

        public Builder maxPollRecords(Integer v) {
            maxPollRecords = v;
            return this;
        }

        public Builder pollMs(Long v) {
            pollMs = v;
            return this;
        }

        public Builder lingerMs(Integer v) {
            lingerMs = v;
            return this;
        }

        public Builder batchSizeBytes(Integer v) {
            batchSizeBytes = v;
            return this;
        }

        public Builder transactionTimeoutMs(Integer v) {
            transactionTimeoutMs = v;
            return this;
        }

        public Builder closeTimeoutMs(Long v) {
            closeTimeoutMs = v;
            return this;
        }

        public WorkerKafkaConfig build() {
            return new WorkerKafkaConfig(maxPollRecords, pollMs, lingerMs, batchSizeBytes, transactionTimeoutMs,
                    closeTimeoutMs);
        }
    }
}
