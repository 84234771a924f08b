package io.llmpipeline.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.llmpipeline.schemas.InvocationEvent;
import io.llmpipeline.schemas.InvocationOutcome;
import io.llmpipeline.schemas.Usage;

class EstimateReportTest {
    @Test
    void shouldReportZeroErrorForExactModelsAndTheSignedErrorForEstimatedOnes() {
        var report = EstimateReport.byModel(List.of(
                event("gpt-4o-mini", 100, 100, true),
                event("llama", 110, 100, true),   // +10 %
                event("llama", 90, 100, true),    // -10 %
                event("llama", 500, 100, false))); // not billed: no usage to compare with
        assertThat(report.get("gpt-4o-mini").meanAbsErrorPercent()).isZero();
        assertThat(report.get("llama").calls()).isEqualTo(2);
        assertThat(report.get("llama").meanAbsErrorPercent()).isCloseTo(10.0, within(1e-9));
        assertThat(report.get("llama").meanErrorPercent()).isCloseTo(0.0, within(1e-9));
    }

    private static InvocationEvent event(String model, int estimated, int actual, boolean billed) {
        return InvocationEvent.newBuilder().setEventId("e").setRequestId("r").setTenantId("t").setTaskType("x")
                .setAttempt(1).setProvider("p").setModel(model).setStartedAtMs(0).setEndedAtMs(1)
                .setOutcome(InvocationOutcome.SUCCESS).setEstimatedInputTokens(estimated)
                .setUsage(new Usage(actual, 1, 0, 0)).setBilled(billed).build();
    }
}
