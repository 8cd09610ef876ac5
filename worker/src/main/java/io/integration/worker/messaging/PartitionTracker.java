package io.integration.worker.messaging;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * The offsets of one assigned partition that are in flight, in the order they were polled. The
 * committable offset never passes the lowest unfinished record, however many later records completed.
 *
 * <p>Confined to the poll thread (except {@link #chains} and {@link #abandoned}): completions reach it
 * through the loop, never directly from workers.
 * A tracker lives as long as one assignment of its partition; after a revoke a new one is made, so late
 * completions of the old assignment (compared by identity) cannot move the new one's offsets.
 */
final class PartitionTracker {

    /** Ordering chains of this assignment (thread-safe); they end with it. */
    final OrderingChains chains = new OrderingChains();
    /** Set when the partition is revoked or lost: its jobs stop being retried. Read by worker threads. */
    volatile boolean abandoned;

    private final ArrayDeque<Long> pending = new ArrayDeque<>();
    private final Set<Long> done = new HashSet<>();
    private long next = -1;
    private long committed = -1;

    /** Registers a polled record; offsets arrive in increasing order. */
    void add(long offset) {
        pending.addLast(offset);
    }

    /** Marks {@code offset} finished (its outputs acknowledged). */
    void complete(long offset) {
        done.add(offset);
        while (!pending.isEmpty() && done.remove(pending.peekFirst())) {
            next = pending.pollFirst() + 1;
        }
    }

    /** Records polled and not finished yet. */
    int inFlight() {
        return pending.size();
    }

    /** The offset to commit now, or -1 when nothing new can be committed. */
    long committable() {
        return next > committed ? next : -1;
    }

    /** Notes that {@code offset} was committed. */
    void committed(long offset) {
        committed = Math.max(committed, offset);
    }
}
