package io.llmpipeline.worker.loop;

import org.apache.kafka.common.TopicPartition;

import io.llmpipeline.schemas.LlmAssignment;

/**
 * An assignment taken from Kafka, waiting to start or running.
 *
 * @param tp         where it came from
 * @param offset     its offset there
 * @param assignment what to do
 * @param progress   its partition's progress, to mark it finished
 * @param earlier    calls of earlier owners of this request that have no committed event
 */
record Pending(TopicPartition tp, long offset, LlmAssignment assignment, PartitionProgress progress,
               java.util.List<io.llmpipeline.schemas.AttemptJournalEntry> earlier) {
    String requestId() {
        return assignment.getRequest().getRequestId();
    }
}
