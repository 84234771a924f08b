package io.llmpipeline.worker.loop;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import io.llmpipeline.catalog.PriorityBands;
import io.llmpipeline.schemas.Priority;

/**
 * Pauses the partitions of a priority band whose backlog is full and resumes them when it has
 * drained to half, so a flood in one band neither fills the worker's memory nor is dropped. Owns
 * the partition-to-band mapping every other part of the loop uses.
 */
final class FlowControl {
    private final PriorityBands bands;
    private final int bandCap;
    private final Set<TopicPartition> paused = new HashSet<>();

    FlowControl(PriorityBands bands, int maxInFlight) {
        this.bands = bands;
        this.bandCap = Math.max(64, maxInFlight / 2);
    }

    /** The band of a partition of the banded assignments topic; NORMAL for a partition beyond the bands. */
    Priority bandOf(TopicPartition tp) {
        return tp.partition() < bands.totalPartitions() ? bands.priorityOf(tp.partition()) : Priority.NORMAL;
    }

    /** @param stopping pause everything: the worker takes no more work */
    void adjust(Consumer<?, ?> consumer, BandedBacklog<Pending> backlog, boolean stopping) {
        List<TopicPartition> pause = new ArrayList<>();
        List<TopicPartition> resume = new ArrayList<>();
        for (TopicPartition tp : consumer.assignment()) {
            int waiting = backlog.size(bandOf(tp));
            boolean isPaused = paused.contains(tp);
            if (!isPaused && (stopping || waiting >= bandCap)) {
                pause.add(tp);
            } else if (isPaused && !stopping && waiting < bandCap / 2) {
                resume.add(tp);
            }
        }
        if (!pause.isEmpty()) {
            consumer.pause(pause);
            paused.addAll(pause);
        }
        if (!resume.isEmpty()) {
            consumer.resume(resume);
            resume.forEach(paused::remove);
        }
    }

    void forget(TopicPartition tp) {
        paused.remove(tp);
    }
}
