package io.llmpipeline.analytics.export;

import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

import org.duckdb.DuckDBAppender;

import io.llmpipeline.schemas.Codecs;
import io.llmpipeline.schemas.InvocationEvent;

/** {@code llm.invocations}: one row per attempt, filed under the UTC day the attempt ended. */
public final class InvocationTable implements TableSpec<InvocationEvent> {
    public static final String NAME = "invocations";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String columns() {
        return """
                event_id VARCHAR, request_id VARCHAR, tenant_id VARCHAR, task_type VARCHAR, cache_key VARCHAR,
                attempt INTEGER, provider VARCHAR, model VARCHAR, started_at_ms BIGINT, ended_at_ms BIGINT,
                outcome VARCHAR, error_kind VARCHAR, http_status INTEGER, estimated_input_tokens INTEGER,
                input_tokens INTEGER, output_tokens INTEGER, cached_input_tokens INTEGER, cache_creation_tokens INTEGER,
                cost_micros BIGINT, reserved_micros BIGINT, billed BOOLEAN, interrupted BOOLEAN, shadow BOOLEAN,
                final_attempt BOOLEAN, worker_id VARCHAR, labels MAP(VARCHAR, VARCHAR),
                kafka_partition INTEGER, kafka_offset BIGINT""";
    }

    @Override
    public InvocationEvent decode(byte[] value) {
        return Codecs.INVOCATION.decode(value);
    }

    @Override
    public LocalDate day(InvocationEvent event) {
        return LocalDate.ofInstant(Instant.ofEpochMilli(event.getEndedAtMs()), ZoneOffset.UTC);
    }

    @Override
    public void append(DuckDBAppender a, InvocationEvent e, int partition, long offset) throws SQLException {
        a.append(e.getEventId()).append(e.getRequestId()).append(e.getTenantId()).append(e.getTaskType());
        TableSpec.appendNullable(a, e.getCacheKey());
        a.append(e.getAttempt()).append(e.getProvider()).append(e.getModel())
                .append(e.getStartedAtMs()).append(e.getEndedAtMs())
                .append(e.getOutcome().name());
        TableSpec.appendNullable(a, e.getErrorKind() == null ? null : e.getErrorKind().name());
        TableSpec.appendNullable(a, e.getHttpStatus());
        a.append(e.getEstimatedInputTokens())
                .append(e.getUsage().getInputTokens()).append(e.getUsage().getOutputTokens())
                .append(e.getUsage().getCachedInputTokens()).append(e.getUsage().getCacheCreationTokens())
                .append(e.getCostMicros()).append(e.getReservedMicros())
                .append(e.getBilled()).append(e.getInterrupted()).append(e.getShadow()).append(e.getFinalAttempt());
        TableSpec.appendNullable(a, e.getWorkerId());
        a.append(e.getLabels());
        a.append(partition).append(offset);
    }
}
