package io.llmpipeline.worker.run;

import java.util.List;

import io.llmpipeline.schemas.InvocationEvent;
import io.llmpipeline.schemas.LlmResult;

/**
 * Everything a finished request writes: one invocation event per attempt and, unless it was a
 * shadow call, its one result.
 *
 * @param events one per attempt, in order; the last has {@code final_attempt}
 * @param result the terminal result; null for shadow calls
 */
public record RunReport(List<InvocationEvent> events, LlmResult result) {
}
