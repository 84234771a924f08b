package io.llmpipeline.analytics.export;

import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

import org.duckdb.DuckDBAppender;

import io.llmpipeline.catalog.Catalog;
import io.llmpipeline.catalog.CostLabels;
import io.llmpipeline.schemas.Codecs;
import io.llmpipeline.schemas.LlmResult;

/**
 * {@code llm.results}: one row per request's terminal answer (cache hits with the cost they
 * saved included), filed under the UTC day it completed. Of the metadata only the configured
 * cost labels are kept: the rest may hold anything a caller chose to put there.
 */
public final class ResultTable implements TableSpec<LlmResult> {
    public static final String NAME = "results";
    private final Catalog catalog;

    public ResultTable(Catalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String columns() {
        return """
                request_id VARCHAR, tenant_id VARCHAR, task_type VARCHAR, priority VARCHAR, cache_key VARCHAR,
                status VARCHAR, provider VARCHAR, model VARCHAR, input_tokens INTEGER, output_tokens INTEGER,
                cached_input_tokens INTEGER, cost_micros BIGINT, latency_ms BIGINT, cache_hit BOOLEAN,
                saved_cost_micros BIGINT, saved_tokens INTEGER, attempts INTEGER, error_kind VARCHAR,
                completed_at_ms BIGINT, labels MAP(VARCHAR, VARCHAR), kafka_partition INTEGER, kafka_offset BIGINT""";
    }

    @Override
    public LlmResult decode(byte[] value) {
        return Codecs.RESULT.decode(value);
    }

    @Override
    public LocalDate day(LlmResult result) {
        return LocalDate.ofInstant(Instant.ofEpochMilli(result.getCompletedAtMs()), ZoneOffset.UTC);
    }

    @Override
    public void append(DuckDBAppender a, LlmResult r, int partition, long offset) throws SQLException {
        a.append(r.getRequestId()).append(r.getTenantId()).append(r.getTaskType()).append(r.getPriority().name());
        TableSpec.appendNullable(a, r.getCacheKey());
        a.append(r.getStatus().name());
        TableSpec.appendNullable(a, r.getProvider());
        TableSpec.appendNullable(a, r.getModel());
        a.append(r.getUsage().getInputTokens()).append(r.getUsage().getOutputTokens())
                .append(r.getUsage().getCachedInputTokens())
                .append(r.getCostMicros()).append(r.getLatencyMs()).append(r.getCacheHit())
                .append(r.getSavedCostMicros()).append(r.getSavedTokens()).append(r.getAttempts());
        TableSpec.appendNullable(a, r.getError() == null ? null : r.getError().getKind().name());
        a.append(r.getCompletedAtMs());
        a.append(CostLabels.select(catalog, r.getMetadata()));
        a.append(partition).append(offset);
    }
}
