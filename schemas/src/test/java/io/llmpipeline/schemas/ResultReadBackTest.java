package io.llmpipeline.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class ResultReadBackTest {

    @Test
    void marksOnlyResultsNoFillWaitsFor() {
        assertThat(marked(result(null, false, Map.of()))).as("not cached, no idempotency key").isTrue();
        assertThat(marked(result("ck", true, Map.of()))).as("a cache hit fills nothing").isTrue();
        assertThat(marked(result("ck", false, Map.of()))).as("a cached miss fills the cache and releases its waiters").isFalse();
        assertThat(marked(result(null, false, Map.of(ResultReadBack.IDEMPOTENCY_KEY_METADATA, "k"))))
                .as("an idempotency leader's answer is kept for its duplicates").isFalse();
    }

    @Test
    void anUnmarkedResultIsNeverSkipped() {
        assertThat(ResultReadBack.ignored(new RecordHeaders())).isFalse();
        assertThat(ResultReadBack.ignored(null)).isFalse();
    }

    private static boolean marked(LlmResult result) {
        RecordHeaders headers = new RecordHeaders();
        ResultReadBack.markUnwanted(result, headers);
        return ResultReadBack.ignored(headers);
    }

    private static LlmResult result(String cacheKey, boolean hit, Map<String, String> metadata) {
        return LlmResult.newBuilder().setRequestId("r-1").setTenantId("t").setTaskType("chat").setPriority(Priority.NORMAL)
                .setCacheKey(cacheKey).setStatus(ResultStatus.OK).setOutput("ok").setFinishReason("stop").setProvider("p")
                .setModel("m").setUsage(new Usage(0, 0, 0, 0)).setCacheHit(hit).setMetadata(metadata).setLatencyMs(1)
                .setCompletedAtMs(1L).build();
    }
}
