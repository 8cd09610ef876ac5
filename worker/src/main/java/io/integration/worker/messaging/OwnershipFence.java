package io.integration.worker.messaging;

import io.integration.worker.execution.CallsInFlight;
import io.integration.worker.execution.Ownership;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a worker that was stopped (SIGSTOP, a long GC, a frozen VM) past its session timeout from calling
 * external systems for partitions the group has already given to another worker. The loop reports each poll;
 * a gap longer than the lease raises the fence, and calls wait until the loop knows where it stands: a
 * rebalance completed (lost partitions abandoned, new ones assigned) or a commit accepted for its current
 * generation. Polls and settling run on the loop thread; {@link #forJob} is asked from worker threads.
 */
final class OwnershipFence {

    private static final Logger log = LoggerFactory.getLogger(OwnershipFence.class);

    /** Each confirmation call is short: the loop thread must not wait the client's default minute for an absent coordinator. */
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(5);

    private final Duration lease;
    private final CallsInFlight calls;
    /** Snapshots of {@link #calls} at the last poll (loop thread only). */
    private long startedAtLastPoll;
    private int inFlightAtLastPoll;
    private volatile long exposedAtLastStall;
    /** When the last poll returned ({@link System#nanoTime()}). */
    private volatile long lastPollNanos = System.nanoTime();
    private volatile boolean raised;
    private int pollsSinceRaised;

    /**
     * @param lease the longest gap between polls after which this worker may no longer own its partitions
     * @param calls the calls handed to adapters, to say how many a stall exposed
     */
    OwnershipFence(Duration lease, CallsInFlight calls) {
        this.lease = lease;
        this.calls = calls;
    }

    /** A fence that does not count exposed calls (tests). */
    OwnershipFence(Duration lease) {
        this(lease, new CallsInFlight());
    }

    /** After each poll (loop thread): raises the fence after a stall, and settles it two polls later by a commit of the group. */
    void polled(Consumer<?, ?> consumer) {
        polled(() -> settle(consumer));
    }

    /**
     * After each cycle of a loop (loop thread): raises the fence after a stall, and two cycles later asks {@code settle}
     * whether the loop knows again what it holds (true lowers the fence).
     */
    void polled(BooleanSupplier settle) {
        long now = System.nanoTime();
        long started = calls.started();
        if (now - lastPollNanos > lease.toNanos()) {
            raised = true;
            pollsSinceRaised = 0;
            // Calls in flight at the last poll before the stall, or started after it, may have been frozen between their
            // ownership check and the wire: nothing can take them back, so say how many there may be.
            long exposed = inFlightAtLastPoll + (started - startedAtLastPoll);
            exposedAtLastStall = exposed;
            log.warn("No poll for {} ms (process stopped or starved): calls wait until the group confirms this worker's partitions; "
                    + "{} call(s) were already handed to their systems before the stall and may arrive late",
                    Duration.ofNanos(now - lastPollNanos).toMillis(), exposed);
        }
        lastPollNanos = now;
        startedAtLastPoll = started;
        inFlightAtLastPoll = calls.inFlight();
        if (raised && ++pollsSinceRaised > 1 && settle.getAsBoolean()) {
            raised = false;
        }
    }

    /** How many calls the last stall may have frozen between their ownership check and the wire (for metrics and tests). */
    long exposedAtLastStall() {
        return exposedAtLastStall;
    }

    /**
     * The loop is not stalled though it is not polling: it waits inside a rebalance callback, where the
     * partitions are still this worker's until the callback returns.
     */
    void alive() {
        lastPollNanos = System.nanoTime();
    }

    /** A rebalance completed (loop thread): what this worker owns is known again. */
    void assigned() {
        raised = false;
    }

    private boolean settle(Consumer<?, ?> consumer) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
            consumer.committed(consumer.assignment(), SETTLE_TIMEOUT).forEach((partition, offset) -> {
                if (offset != null) {
                    committed.put(partition, offset);
                }
            });
            // Re-committing what is committed changes nothing but is refused for a member of an old generation.
            // With nothing committed yet there is nothing to send: the fence lifts on the polls' word alone.
            consumer.commitSync(committed, SETTLE_TIMEOUT);
            log.info("Partitions {} confirmed after the stall; calls go on", consumer.assignment());
            return true;
        } catch (CommitFailedException | RebalanceInProgressException e) {
            log.warn("This worker's generation is over ({}); the next poll rejoins and abandons what it lost", e.getClass().getSimpleName());
        } catch (KafkaException e) {
            // The coordinator is away (timeout, not coordinator): the fence stays up and the next polls ask again.
            log.warn("Partitions not confirmed after the stall ({}); calls keep waiting", e.toString());
        }
        return false;
    }

    /**
     * What {@code job} asks before each call: waits (up to four leases) while the fence is up or the loop is
     * stalled; false when its partition was lost meanwhile or the fence is still up.
     */
    Ownership forJob(Job job) {
        return () -> {
            long waitUntil = System.nanoTime() + 4 * lease.toNanos();
            while ((raised || System.nanoTime() - lastPollNanos > lease.toNanos()) && !job.abandoned() && System.nanoTime() < waitUntil) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return !job.abandoned() && !raised;
        };
    }
}
