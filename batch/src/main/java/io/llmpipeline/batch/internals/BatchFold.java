package io.llmpipeline.batch.internals;

import io.llmpipeline.schemas.BatchEvent;
import io.llmpipeline.schemas.BatchLineOutcome;
import io.llmpipeline.schemas.BatchState;
import io.llmpipeline.schemas.BatchStatus;
import io.llmpipeline.schemas.Priority;

/**
 * How one batch's state follows its events. The stored state counts only real results; lines that
 * never reached the pipeline (the submitter stopped: cancel, budget, window) are added to their
 * bucket in {@link #view} once the batch has ended, so a late result moves a line from that bucket
 * to its own and the counts always add up to the total.
 */
public final class BatchFold {
    public static final String END_ALL = "all";
    public static final String END_CANCELLED = "cancelled";
    public static final String END_EXPIRED = "expired";
    public static final String END_BUDGET = "budget";

    private BatchFold() {
    }

    public static boolean terminal(BatchStatus status) {
        return switch (status) {
            case FAILED, COMPLETED, EXPIRED, CANCELLED -> true;
            default -> false;
        };
    }

    /** The state after a submitter's or a cancel's event; null state means the batch is new. */
    public static BatchState apply(BatchState state, BatchEvent event, long nowMs) {
        if (state == null) {
            if (event.getKind() != io.llmpipeline.schemas.BatchEventKind.CREATED) {
                return null; // events of a batch never created (or of another deployment): nothing to track
            }
            state = BatchState.newBuilder()
                    .setBatchId(event.getBatchId())
                    .setStatus(BatchStatus.VALIDATING)
                    .setTenantId(nullToEmpty(event.getTenantId()))
                    .setInputFormat(event.getInputFormat() == null ? "openai" : event.getInputFormat())
                    .setInputFile(event.getInputFile())
                    .setTaskType(event.getTaskType())
                    .setPriority(event.getPriority() == null ? Priority.BULK : event.getPriority())
                    .setExpiresAtMs(event.getExpiresAtMs())
                    .setMaxCostMicros(event.getMaxCostMicros())
                    .setCreatedAtMs(event.getAtMs())
                    .build();
        }
        BatchState.Builder next = BatchState.newBuilder(state).setUpdatedAtMs(nowMs);
        switch (event.getKind()) {
            case VALIDATED -> {
                if (state.getStatus() == BatchStatus.VALIDATING) {
                    next.setStatus(BatchStatus.IN_PROGRESS);
                }
                next.setTotal(orElse(event.getTotal(), state.getTotal())).setInvalid(orElse(event.getInvalid(), state.getInvalid()));
            }
            case VALIDATION_FAILED -> {
                if (!terminal(state.getStatus())) {
                    next.setStatus(BatchStatus.FAILED).setFinishedAtMs(nowMs);
                }
                next.setTotal(orElse(event.getTotal(), state.getTotal())).setInvalid(orElse(event.getInvalid(), state.getInvalid()));
            }
            case PROGRESS -> next.setCursor(Math.max(state.getCursor(), orElse(event.getCursor(), 0L)));
            case SUBMISSION_ENDED -> next.setSent(orElse(event.getCursor(), state.getCursor()))
                    .setCursor(Math.max(state.getCursor(), orElse(event.getCursor(), 0L)))
                    .setEndReason(event.getEndReason());
            case CANCEL_REQUESTED -> {
                if (state.getStatus() == BatchStatus.VALIDATING || state.getStatus() == BatchStatus.IN_PROGRESS) {
                    next.setStatus(BatchStatus.CANCELLING).setCancelRequestedAtMs(nowMs);
                }
            }
            case RESULT -> count(next, state, event);
            default -> {
                // CREATED of a batch already known (a resumed submitter), or a kind this version does not know
            }
        }
        return finishIfDone(next.build(), nowMs);
    }

    private static void count(BatchState.Builder next, BatchState state, BatchEvent event) {
        BatchLineOutcome outcome = event.getOutcome() == null ? BatchLineOutcome.FAILED : event.getOutcome();
        switch (outcome) {
            case COMPLETED -> next.setCompleted(state.getCompleted() + 1);
            case CANCELLED -> next.setCancelled(state.getCancelled() + 1);
            case EXPIRED -> next.setExpired(state.getExpired() + 1);
            default -> next.setFailed(state.getFailed() + 1);
        }
        next.setCostMicros(state.getCostMicros() + event.getCostMicros())
                .setInputTokens(state.getInputTokens() + event.getInputTokens())
                .setOutputTokens(state.getOutputTokens() + event.getOutputTokens());
    }

    /** Cost and tokens of a result counted a second time (a replay, a rerun): added, never the counts. */
    public static BatchState addCostOnly(BatchState state, BatchEvent event, long nowMs) {
        return BatchState.newBuilder(state)
                .setCostMicros(state.getCostMicros() + event.getCostMicros())
                .setInputTokens(state.getInputTokens() + event.getInputTokens())
                .setOutputTokens(state.getOutputTokens() + event.getOutputTokens())
                .setUpdatedAtMs(nowMs)
                .build();
    }

    static long counted(BatchState s) {
        return s.getCompleted() + s.getFailed() + s.getCancelled() + s.getExpired();
    }

    private static BatchState finishIfDone(BatchState s, long nowMs) {
        BatchStatus status = s.getStatus();
        if (status != BatchStatus.IN_PROGRESS && status != BatchStatus.CANCELLING) {
            return s;
        }
        long counted = counted(s);
        boolean everyLine = s.getTotal() > 0 && counted >= s.getTotal();
        boolean everySent = s.getSent() != null && counted >= s.getSent();
        if (!everyLine && !everySent) {
            return s;
        }
        BatchStatus end;
        if (status == BatchStatus.CANCELLING || END_CANCELLED.equals(s.getEndReason())) {
            end = BatchStatus.CANCELLED;
        } else if (s.getExpired() > 0 || END_EXPIRED.equals(s.getEndReason()) && !everyLine) {
            end = BatchStatus.EXPIRED;
        } else {
            end = BatchStatus.COMPLETED;
        }
        return BatchState.newBuilder(s).setStatus(end).setFinishedAtMs(nowMs).build();
    }

    /**
     * Wall-clock checks: a batch past its window (plus {@code graceMs} for the results of requests
     * that were running) ends as expired; a cancelling batch whose submitter never reported (it was
     * not running) ends as cancelled once no result came for {@code quietMs}. Late results still count.
     */
    public static BatchState onClock(BatchState s, long nowMs, long graceMs, long quietMs) {
        BatchStatus status = s.getStatus();
        if (status == BatchStatus.CANCELLING && nowMs - s.getUpdatedAtMs() >= quietMs) {
            return BatchState.newBuilder(s).setStatus(BatchStatus.CANCELLED).setFinishedAtMs(nowMs).setUpdatedAtMs(nowMs)
                    .setEndReason(s.getEndReason() == null ? END_CANCELLED : s.getEndReason()).build();
        }
        if ((status == BatchStatus.IN_PROGRESS || status == BatchStatus.CANCELLING || status == BatchStatus.VALIDATING)
                && s.getExpiresAtMs() != null && nowMs >= s.getExpiresAtMs() + graceMs) {
            return BatchState.newBuilder(s)
                    .setStatus(status == BatchStatus.CANCELLING ? BatchStatus.CANCELLED : BatchStatus.EXPIRED)
                    .setEndReason(status == BatchStatus.CANCELLING ? END_CANCELLED : END_EXPIRED)
                    .setFinishedAtMs(nowMs).setUpdatedAtMs(nowMs).build();
        }
        return s;
    }

    /** The state as published: once ended, lines without a result are counted under why they never ran. */
    public static BatchState view(BatchState s) {
        if (!terminal(s.getStatus()) || s.getStatus() == BatchStatus.FAILED) {
            return s;
        }
        long missing = Math.max(0, s.getTotal() - counted(s));
        if (missing == 0) {
            return s;
        }
        BatchState.Builder out = BatchState.newBuilder(s).setNotSent(missing);
        String reason = s.getEndReason() == null ? "" : s.getEndReason();
        if (s.getStatus() == BatchStatus.CANCELLED || END_CANCELLED.equals(reason)) {
            out.setCancelled(s.getCancelled() + missing);
        } else if (s.getStatus() == BatchStatus.EXPIRED || END_EXPIRED.equals(reason)) {
            out.setExpired(s.getExpired() + missing);
        } else {
            out.setFailed(s.getFailed() + missing);
        }
        return out.build();
    }

    private static long orElse(Long value, long otherwise) {
        return value == null ? otherwise : value;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
