package io.llmpipeline.worker.loop;

import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidPidMappingException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;

/**
 * What a failed commit means for the worker's Kafka clients. Starting them again is always safe:
 * it is what the restart of a crashed worker does (the output of a transaction that did not commit
 * is made again by the partitions' next owner, which records the journal's calls). Stopping is for
 * when another live process holds this worker's identity, whom a restart would fence in turn, and
 * for when a restart cannot help.
 *
 * @param why what happened, for the log
 */
record CommitFailure(Action action, String why) {
    enum Action {
        /** The producer can abort the transaction and go on: the output goes again with the next commit. */
        RETRY,
        /** The producer cannot go on, though nothing else took this worker's place: start new clients. */
        RESTART,
        /** Another process runs under this worker's id, or the worker is not authorised: stop. */
        STOP
    }

    /**
     * @param openMs               how long the failed transaction had been open
     * @param transactionTimeoutMs the producer's {@code transaction.timeout.ms}
     */
    static CommitFailure of(Throwable error, long openMs, long transactionTimeoutMs) {
        if (find(error, FencedInstanceIdException.class) != null) {
            return new CommitFailure(Action.STOP, "another process joined the group with this worker's group.instance.id");
        }
        if (find(error, AuthorizationException.class) != null) {
            return new CommitFailure(Action.STOP, "not authorised: " + find(error, AuthorizationException.class).getMessage());
        }
        if (find(error, ProducerFencedException.class) != null) {
            // The coordinator aborts only a transaction older than the timeout, and ours began before its clock
            // started: a fencing sooner than that came from another producer with this transactional id.
            return openMs < transactionTimeoutMs
                    ? new CommitFailure(Action.STOP, "another producer took this worker's transactional id after "
                            + openMs + " ms (a second process with the same worker id?)")
                    : new CommitFailure(Action.RESTART, "fenced after the transaction was open " + openMs
                            + " ms, past transaction.timeout.ms: the coordinator aborted it");
        }
        if (find(error, InvalidPidMappingException.class) != null || find(error, OutOfOrderSequenceException.class) != null) {
            return new CommitFailure(Action.RESTART, "the producer's id is no longer valid: " + error);
        }
        return new CommitFailure(Action.RETRY, error.toString());
    }

    /**
     * The abort of a failed transaction failed too: the producer is in an error state (the
     * coordinator aborted the transaction on its own, KIP-890 reports that as an invalid state) or
     * cannot reach the broker. A new producer's {@code initTransactions} ends whatever is left.
     */
    static CommitFailure ofAbort(Throwable error, long openMs, long transactionTimeoutMs) {
        CommitFailure failure = of(error, openMs, transactionTimeoutMs);
        return failure.action() == Action.STOP ? failure
                : new CommitFailure(Action.RESTART, "the transaction could not be aborted: " + error);
    }

    private static <T extends Throwable> T find(Throwable error, Class<T> type) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
