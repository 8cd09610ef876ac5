package io.integration.worker.messaging;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * The offsets of one assigned partition that are in flight, in the order they were polled. The
 * committable offset never passes the lowest unfinished record, however many later records completed,
 * and an offset counts as committed only once the broker confirmed it.
 *
 * <p>Confined to the poll thread, except {@link #chains()} and {@link #abandoned()}, which worker threads use.
 * A tracker lives as long as one assignment of its partition; after a revoke a new one is made, so late
 * completions of the old assignment (compared by identity) cannot move the new one's offsets.
 */
final class PartitionTracker implements Claim {

    private final OrderingChains chains = new OrderingChains();
    private final ArrayDeque<Long> pending = new ArrayDeque<>();
    private final Set<Long> done = new HashSet<>();
    private volatile boolean abandoned;
    /** The offset after the last finished prefix of the partition: what may be committed. */
    private long next = -1;
    /** The highest offset the broker confirmed as committed. */
    private long confirmed = -1;
    /** The offset of a commit sent and not answered yet, or -1. */
    private long sent = -1;

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

    /**
     * The offset to commit now, or -1 when there is nothing new: nothing finished past the confirmed offset,
     * or a commit of it is already on its way ({@code force} ignores the latter, for a final synchronous commit).
     */
    long committable(boolean force) {
        long floor = force ? confirmed : Math.max(confirmed, sent);
        return next > floor ? next : -1;
    }

    /** A commit of {@code offset} was sent. */
    void commitSent(long offset) {
        sent = Math.max(sent, offset);
    }

    /** The broker confirmed a commit of {@code offset}. */
    void commitConfirmed(long offset) {
        confirmed = Math.max(confirmed, offset);
        if (sent <= confirmed) {
            sent = -1;
        }
    }

    /** A commit of {@code offset} failed: the next cycle sends it again. */
    void commitFailed(long offset) {
        if (sent == offset) {
            sent = -1;
        }
    }

    /** The highest offset the broker confirmed, or -1. */
    long confirmed() {
        return confirmed;
    }

    /** Ordering chains of this assignment (thread-safe); they end with it. */
    @Override
    public OrderingChains chains() {
        return chains;
    }

    /** The partition was revoked or lost: its jobs stop being retried and nothing more is committed for it. */
    void abandon() {
        abandoned = true;
    }

    /** Whether the partition was revoked or lost; read by worker threads. */
    @Override
    public boolean abandoned() {
        return abandoned;
    }
}
